"""Resolution: which candidate a name most plausibly refers to in its context, or none, and why.

Candidates are ranked with the evidence a reader uses: the document's
country, other places it names, an enclosing city, a cue ("the city of X",
"X province"), and otherwise prominence (kind, population) and how closely
the spelling matches. It declines to guess: a low fuzzy score, or equally
plausible far-apart places, yields ``place=None`` with the reason.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple, Protocol

from geomap.gazetteer.model import (
    CUES,
    DIRECTION_RE,
    KIND_WEIGHT,
    Candidate,
    Place,
    Query,
    Resolution,
    ResolveContext,
    light,
    split_cue,
)
from geomap.gazetteer.spatial import (
    ADMIN_KINDS,
    NEARBY_SCALE_KM,
    NEARBY_WEIGHT,
    SMALL_KINDS,
    Nearby,
    anchor_reach,
    distance,
    far_from_anchor,
    holds,
    near_a_candidate,
    nested,
    outside_city,
)
from geomap.names import normalise

# Ranking weights: see Gazetteer._rank. Spelling and prominence order
# candidates without context; context bonuses outweigh both.
_W_SPELLING = 0.45


_W_KIND = 0.20


_W_POPULATION = 0.25


_W_COUNTRY = 0.30




_W_IN_CITY = 0.50


_W_CUE = 0.40


_W_NEAR_COUNTRY = 0.15


_W_MAIN_NAME = 0.01


_FOLDED_ONLY = 0.6




_IN_CITY_KM = 15.0


# Two far-apart candidates closer than this in score are a tie: no guess.
TIE_MARGIN = 0.015


# ... unless one is a city of millions this many times as populous as the other: the one a
# report means when it names it bare (India's Hyderabad, not Pakistan's), as a reader would
DWARFS = 2.5
DWARF_MIN_POPULATION = 1_000_000


def _dwarfs(place: Place, other: Place) -> bool:
    return place.kind == other.kind == "city" and (place.population or 0) >= DWARF_MIN_POPULATION \
        and bool(other.population) and place.population >= DWARFS * other.population


SAME_PLACE_KM = 30.0


FUZZY_ACCEPT = 85.0


# ...and the spelling itself (before the folds) must be this close too, since
# folded keys are short and look alike more often than the names do.
FUZZY_SPELLING = 0.75


# A place outside the document's country must be a large city, a country or
# admin unit, or lie near the focus country, to beat "unlocated".
_FOREIGN_MIN_POPULATION = 100_000


_FOREIGN_NEAR_KM = 500.0


# The folds are tuned on Syrian names; abroad, a key match must also look alike.
FOREIGN_SPELLING = 0.8


# In a document focused on another country, a foreign town or city must be
# spelled exactly like one of its names; a name this short (in letters) must
# be a country or province, or a city of at least _FOREIGN_LARGE people; and
# a foreign place smaller than that loses to a place of the focus country
# spelled (almost) like the mention. See Gazetteer.resolve.
FOREIGN_SHORT_LETTERS = 3


_FOREIGN_LARGE = 1_000_000


HOME_NAMESAKE_SPELLING = 0.9


_FOREIGN_EXEMPT_KINDS = ("country", "admin1", "region")


# What an admin unit's name means without a cue, when a settlement of that name lies in it.
_TOWN_KINDS = ("city", "town", "village")
# Bounded so that a long-running process cannot grow a memo without limit.
_FACTS_LIMIT = 200_000
_MEMO_LIMIT = 500_000
_CONTEXT_MEMO_LIMIT = 20_000


class Lookup(Protocol):
    """What ranking needs of a gazetteer: candidates by name, places by id, their names' light forms."""

    def candidates(self, name: str, *, fuzzy: bool = True) -> list[Candidate]: ...

    def find(self, place_id: str) -> Place | None: ...

    def lights_of(self, place: Place) -> tuple[str, ...] | None: ...


# Per-place facts the ranking needs again and again, computed once per place
# object: its main name's light form, the kind and population terms of the score.
# Keyed by ``id(place)``; each value holds the place itself, so the id cannot
# be reused by another object while the entry exists.
class _Facts(NamedTuple):
    place: Place
    lights: tuple[str, ...] | None  # of place.names, when the index supplied them
    main_light: str
    kind_term: float
    population_term: float
    population_note: str


class _Apposed(NamedTuple):
    """What the text sets beside a name: the places that may hold it, and the places it may hold.

    ``held`` is None when the text sets nothing before the name, empty when
    what it sets there is spelled like no known place.
    """

    holders: tuple[Place, ...]
    holder_name: Place | str | None
    held: tuple[Place, ...] | None
    held_name: str | None

    def holds_any(self, place: Place) -> bool:
        """Is ``place`` an admin unit that holds one of the held places (any unit, if none is known)?"""
        if self.held is None or place.kind not in ADMIN_KINDS[1:]:
            return False
        return not self.held or any(holds(place, member) for member in self.held)


# What :meth:`Resolver._foreign_objection` says of a candidate outside the document's country.
_FOREIGN_REASONS = {
    "folds": "{place} lies outside the document's country {country} and matches only through spelling folds, "
             "not by one of its names",
    "short": "{name!r} is too short a name to place a town outside the document's country {country} ({place})",
    "namesake": "{place} is a small place outside the document's country {country}, which has a place of that name",
}


class Resolver:
    """Ranks a gazetteer's candidates for a name in context; one per gazetteer, with its memos.

    The memos are keyed by ``id(place)``: every entry of the facts memo holds
    its place, and the similarity and nearness memos are emptied with it, so
    an id always names the object it was taken from.
    """

    def __init__(self, gazetteer: Lookup) -> None:
        self.gazetteer = gazetteer
        self._facts_memo: dict[int, _Facts] = {}
        self._similarity_memo: dict[tuple[str, int], float] = {}
        self._near_memo: dict[tuple[int, str], bool] = {}
        self._context_memo: dict[tuple, Resolution] = {}
        self._reach_memo: dict[int, tuple[Resolution, dict[str, bool]]] = {}
        self._named_memo: dict[tuple[str, bool], tuple[Place, ...]] = {}

    def resolve(self, name: str, context: ResolveContext | None = None) -> Resolution:
        """Choose the place ``name`` most plausibly refers to, or none.

        Parameters
        ----------
        name : str
            The place name as written.
        context : ResolveContext, optional
            Country focus, nearby places, cue, enclosing city and the place
            the text locates it from.

        Returns
        -------
        Resolution
            ``place`` is ``None`` when nothing matches, when only weak fuzzy
            matches exist, when far-apart candidates are equally plausible, or
            when the best match is a small or differently spelled place outside
            the document's country; ``reason`` says which, or why the chosen
            place won.

        Notes
        -----
        A name the gazetteer lacks is retried without a kind word ("Idlib
        province" -> "Idlib" with the cue "province") and, inside the focus
        country, without a direction word ("northern Latakia" -> "Latakia").
        Candidates are ranked by spelling (alike beats merely folded alike),
        kind and population, then bonuses for the focus country, nearness to
        the other places named, lying in the enclosing city or within reach of
        the place the text locates it from, and fitting the cue.

        With a country focus, a candidate town or city (not a country,
        province or region) in *another* country is set aside when:

        - it matches only through the transliteration folds or fuzzily, not
          by the exact spelling of its name or of an alternative name
          (case, diacritics and articles aside). The folds are tuned on
          Arabic names; abroad they mostly join unrelated words ("Mar" and
          Muar);
        - the mention has at most :data:`FOREIGN_SHORT_LETTERS` letters and
          the place has under a million inhabitants: short words and
          abbreviations match some foreign alternative name far too often
          ("Tu" is an alternative name of Tsu, Japan), while a capital
          or a large city named in so few letters is rare;
        - it has under a million inhabitants and a candidate in the focus
          country is spelled like the mention, or almost (similarity at
          least :data:`HOME_NAMESAKE_SPELLING`): a report on Syria naming
          "Mansoura" means one of its own Mansuras before a city in Egypt,
          though it still means Baghdad, Iraq before the Baghdad
          neighbourhood of Damascus.

        When every candidate is set aside the name is unlocated, with the
        reason. Large and well-known places abroad (Geneva, Moscow, Ankara,
        Beirut, Amman, Mosul, Erbil) are spelled as named and pass.
        """
        context = context or ResolveContext()
        found = self.gazetteer.candidates(name, fuzzy=False)
        if not found:
            bare, cue = split_cue(name)
            if cue is not None:
                return self.resolve(bare, replace(context, cue=context.cue or cue))
            direction = DIRECTION_RE.match(name.strip())
            if direction and context.country:
                # Only inside the document's country: "Northern Ireland" is not Ireland.
                inner = self.resolve(direction.group("name"), context)
                if inner.place is not None and inner.place.country == context.country:
                    return replace(inner, query=name, reason=f"{direction.group('direction')!r} set aside: {inner.reason}")
            found = self.gazetteer.candidates(name)
        if not found:
            return Resolution(name, None, f"no gazetteer entry matches {name!r}")
        city = self._enclosing_city(context)
        anchor = self._anchor(context)
        nearby = Nearby(context.nearby) if context.nearby else None
        apposed = None if context.within is None and context.holds is None else _Apposed(
            self._places_named(context.within), context.within,
            None if context.holds is None else self._places_named(context.holds, spelled=True), context.holds)
        ranked = sorted(
            ((self._rank(name, cand, context, city, nearby, anchor, apposed), cand) for cand in found),
            key=lambda item: -item[0][0],
        )
        scored = [(round(score, 4), cand) for (score, _notes), cand in ranked]
        if found[0].fuzzy:
            ranked = [item for item in ranked if self._trusted_fuzzy(name, item[1])]
            if not ranked:
                listing = ", ".join(f"{c.place.name} ({c.score:.0f})" for _s, c in scored[:3])
                return Resolution(name, None, f"only weak fuzzy matches for {name!r}: {listing}", 0.0, True, scored)
        if context.country:
            kept = self._without_foreign_junk(name, ranked, context.country)
            if not kept:
                why = self._foreign_objection(name, ranked[0][1].place, context.country, ranked)
                return Resolution(name, None, f"{name!r}: {why}; not guessing", 0.0, ranked[0][1].fuzzy, scored)
            ranked = kept
        (best_score, notes), best = self._prefer_settlement(name, ranked, context, apposed)
        for (score, _n), other in ranked:
            if other is best or best_score - score >= TIE_MARGIN:
                continue
            if best.place.kind == "country" and other.place.kind in SMALL_KINDS:
                continue  # a village never makes a country's own name ambiguous (see _prefer_settlement)
            if _dwarfs(best.place, other.place) and context.country in (None, best.place.country) \
                    and self.spelled_as(name, best.place) and self.spelled_as(name, other.place):
                # of two cities named so, one many times the size of the other is the one meant
                # (India's Hyderabad), unless the text is of another country
                continue
            if distance(best.place, other.place) > SAME_PLACE_KM and not nested(best.place, other.place):
                return Resolution(
                    name, None,
                    f"ambiguous {name!r}: {best.place.label()} and {other.place.label()} are equally plausible "
                    f"({distance(best.place, other.place):.0f} km apart); more context needed",
                    0.0, best.fuzzy, scored,
                )
        refusal = (self._foreign_refusal(name, best.place, context) or outside_city(best.place, city)
                   or far_from_anchor(best.place, anchor, context.anchor_km))
        if refusal:
            return Resolution(name, None, f"{name!r}: {refusal}", 0.0, best.fuzzy, scored)
        match = f"fuzzy match ({best.score:.0f}) on {best.key!r}" if best.fuzzy else "exact match"
        reason = f"{match} -> {best.place.label()} [{best.place.place_id}]"
        if notes:
            reason += ": " + "; ".join(notes)
        if len(ranked) > 1:
            reason += f"; ranked first of {len(ranked)} candidates"
        return Resolution(name, best.place, reason, round(best_score, 4), best.fuzzy, scored)

    def resolve_many(self, queries: Iterable[str | Query | tuple], country: str | None = None) -> list[Resolution]:
        """Resolve every place mention of one document together.

        Each mention is resolved once alone (with ``country`` if given); when
        ``country`` is None the document's focus is the country most of the
        located mentions fall in. Then each mention is resolved again with the
        focus and the places of the *other* mentions as nearby context, so
        "Muhafaza" next to "Aleppo" picks Aleppo's neighbourhood.

        Parameters
        ----------
        queries : iterable of str, Query or tuple
            The mentions in document order; a tuple is ``Query(*tuple)``.
        country : str, optional
            ISO2 country focus; inferred when omitted.

        Returns
        -------
        list of Resolution
            One per query, in order.
        """
        items = [q if isinstance(q, Query) else Query(q) if isinstance(q, str) else Query(*q) for q in queries]
        first = [self.resolve(q.name, ResolveContext(country=country, cue=q.cue, city=q.city, anchor=q.anchor,
                                                     anchor_km=q.anchor_km)) for q in items]
        if country is None:
            country = self.infer_country(first)
        keys = [normalise(q.name) for q in items]
        final = []
        for i, query in enumerate(items):
            nearby = tuple(
                res.place for j, res in enumerate(first)
                if res.place is not None and keys[j] != keys[i]
            )
            context = ResolveContext(country=country, nearby=nearby, cue=query.cue, city=query.city,
                                     anchor=query.anchor, anchor_km=query.anchor_km)
            final.append(self.resolve(query.name, context))
        return final

    @staticmethod
    def infer_country(resolutions: Iterable[Resolution]) -> str | None:
        """The country most located resolutions fall in (None on a tie or none)."""
        counts = Counter(res.place.country for res in resolutions if res.place is not None and res.place.country)
        top = counts.most_common(2)
        if not top or (len(top) == 2 and top[0][1] == top[1][1]):
            return None
        return top[0][0]

    def _enclosing_city(self, context: ResolveContext) -> Place | None:
        if context.city is None or isinstance(context.city, Place):
            return context.city
        return self._holding_place(context.city, context.country, "city")

    def _anchor(self, context: ResolveContext) -> Place | None:
        if context.anchor is None or isinstance(context.anchor, Place):
            return context.anchor
        return self._holding_place(context.anchor, context.country, None)

    def _holding_place(self, name: str, country: str | None, cue: str | None) -> Place | None:
        """The place a mention's city or anchor names: "Anbar province" is the province, not a village."""
        bare, named_cue = split_cue(name)
        if named_cue in ("province", "governorate"):
            name, cue = bare, named_cue
        return self.resolve(name, ResolveContext(country=country, cue=cue)).place

    def spelled_as(self, name: str, place: Place) -> bool:
        """Is ``name`` written as one of the place's names (case, diacritics and articles aside)?"""
        return self._light_similarity(light(name), place) == 1.0

    def _places_named(self, name: Place | str | None, *, spelled: bool = False) -> tuple[Place, ...]:
        """The places a name of the text may mean: exact key matches (of the kinds its cue
        allows, if any does), or only those spelled as written; remembered per name."""
        if name is None:
            return ()
        if isinstance(name, Place):
            return (name,)
        key = (name, spelled)
        found = self._named_memo.get(key)
        if found is None:
            bare, cue = split_cue(name)
            places = [c.place for c in self.gazetteer.candidates(bare, fuzzy=False)]
            if cue is not None:
                places = [p for p in places if p.kind in CUES[cue]] or places
            if spelled:
                query = light(bare)
                places = [p for p in places if self._light_similarity(query, p) == 1.0]
            if len(self._named_memo) >= _MEMO_LIMIT:
                self._named_memo.clear()
            found = self._named_memo[key] = tuple(dict.fromkeys(places))
        return found

    def _rank(self, name: str, cand: Candidate, context: ResolveContext, city: Place | None,
              nearby: Nearby | None = None, anchor: Place | None = None,
              apposed: _Apposed | None = None) -> tuple[float, list[str]]:
        place = cand.place
        facts = self._facts(place)
        query = light(name)
        notes: list[str] = []
        spelling = self._light_similarity(query, place)
        if spelling < 1.0:
            # Sharing a key through the folds is weaker evidence than being spelled
            # alike: "Erbil" is Erbil before it is a Syrian town once written "Aarbil".
            spelling *= _FOLDED_ONLY
        if cand.fuzzy:
            spelling *= cand.score / 100.0
        elif spelling == 1.0:
            notes.append("same spelling")
        score = _W_SPELLING * spelling + facts.kind_term
        if facts.main_light == query:
            score += _W_MAIN_NAME  # "London" is London before it is the City of London
        if place.population:
            score += facts.population_term
            notes.append(facts.population_note)
        if context.country and place.country == context.country:
            score += _W_COUNTRY
            notes.append(f"in the document's country {context.country}")
        elif context.country and self._near_country(place, context.country):
            score += _W_NEAR_COUNTRY
            notes.append(f"within {_FOREIGN_NEAR_KM:.0f} km of the document's country {context.country}")
        if context.nearby:
            closest = (nearby or Nearby(context.nearby)).closest(place)
            if closest is not None:
                gap, near = closest
                bonus = NEARBY_WEIGHT * math.exp(-gap / NEARBY_SCALE_KM)
                if bonus > 0.01:
                    score += bonus
                    near_name = near.name if isinstance(near, Place) else f"{near[0]:.3f},{near[1]:.3f}"
                    notes.append(f"{gap:.0f} km from {near_name}, also named in the text")
        if city is not None and place.place_id != city.place_id and (
            nested(city, place) if city.kind in ADMIN_KINDS  # "X in Hasakeh province": town and district alike
            else place.parent_id == city.place_id or distance(place, city) <= _IN_CITY_KM
        ):
            score += _W_IN_CITY
            notes.append(f"inside {city.name}, which the text puts it in")
        if anchor is not None and place.place_id != anchor.place_id and anchor.kind != "country" and (
            distance(place, anchor) <= anchor_reach(context.anchor_km)
        ):
            score += _W_IN_CITY
            notes.append(f"within reach of {anchor.name}, which the text locates it from")
        if context.cue and place.kind in CUES[context.cue]:
            score += _W_CUE
            notes.append(f"kind {place.kind} fits the cue {context.cue!r}")
        if apposed is not None:
            holder = next((h for h in apposed.holders if holds(h, place)), None)
            if holder is not None:
                score += _W_IN_CITY
                notes.append(f"inside {holder.name}, which the text sets beside it")
            if context.cue is None and apposed.holds_any(place):
                score += _W_CUE
                notes.append(f"an area that may hold {apposed.held_name!r}, which the text sets before it")
        return score, notes

    def _without_foreign_junk(self, name: str, ranked: list, country: str) -> list:
        """The ranked candidates minus the foreign ones :meth:`_foreign_objection` rejects."""
        return [item for item in ranked if self._foreign_reason(name, item[1].place, country, ranked) is None]

    def _foreign_objection(self, name: str, place: Place, country: str, ranked: list) -> str | None:
        """Why a candidate outside the focus ``country`` is not what ``name`` means here, or None."""
        reason = self._foreign_reason(name, place, country, ranked)
        if reason is None:
            return None
        return _FOREIGN_REASONS[reason].format(name=name, place=place.label(), country=country)

    def _foreign_reason(self, name: str, place: Place, country: str, ranked: list) -> str | None:
        """The key in :data:`_FOREIGN_REASONS` of what :meth:`_foreign_objection` says, or None."""
        if place.country == country or place.kind in _FOREIGN_EXEMPT_KINDS:
            return None
        query = light(name)
        large = (place.population or 0) >= _FOREIGN_LARGE
        if self._light_similarity(query, place) < 1.0:
            return "folds"
        letters = sum(ch.isalpha() for ch in query)
        if letters <= FOREIGN_SHORT_LETTERS and not large:
            return "short"
        if not large and any(
            other.place.country == country and self._light_similarity(query, other.place) >= HOME_NAMESAKE_SPELLING
            for _score, other in ranked
        ):
            return "namesake"
        return None

    def _foreign_refusal(self, name: str, place: Place, context: ResolveContext) -> str | None:
        if not context.country or place.country == context.country:
            return None
        if self._spelling_similarity(name, place) < FOREIGN_SPELLING:
            return (f"the best match, {place.label()}, lies outside the document's country {context.country} "
                    f"and none of its names is spelled like {name!r}; not guessing")
        if place.kind in ("country", "admin1", "region") or (place.population or 0) >= _FOREIGN_MIN_POPULATION:
            return None
        if self._near_country(place, context.country):
            return None
        return (f"the best match, {place.label()}, is a small place far outside the document's country "
                f"{context.country}; not guessing")

    def _near_country(self, place: Place, country: str) -> bool:
        memo_key = (id(self._facts(place).place), country)  # the facts memo pins the place, so its id stays its own
        near = self._near_memo.get(memo_key)
        if near is None:
            home = self.gazetteer.find(country)
            near = home is not None and home.kind == "country" and distance(place, home) <= _FOREIGN_NEAR_KM
            if len(self._near_memo) >= _MEMO_LIMIT:
                self._near_memo.clear()
            self._near_memo[memo_key] = near
        return near


    def resolve_memoised(self, name: str, context: ResolveContext) -> Resolution:
        """:meth:`resolve`, remembered for the same name and context (documents repeat both)."""
        city = context.city.place_id if isinstance(context.city, Place) else context.city
        anchor = context.anchor.place_id if isinstance(context.anchor, Place) else context.anchor
        within = context.within.place_id if isinstance(context.within, Place) else context.within
        key = (name, context.cue, city, anchor, context.anchor_km, context.country,
               frozenset(p.place_id for p in context.nearby), within, context.holds)
        found = self._context_memo.get(key)
        if found is None:
            if len(self._context_memo) > _CONTEXT_MEMO_LIMIT:
                self._context_memo.clear()
                self._reach_memo.clear()
            found = self._context_memo[key] = self.resolve(name, context)
        return found

    def within_reach(self, nearby: tuple[Place, ...], resolution: Resolution) -> tuple[Place, ...]:
        """The nearby places close enough to one of the resolution's candidates to change its ranking.

        A place farther than :data:`~geomap.gazetteer.spatial.NEARBY_REACH_KM`
        from every candidate adds no nearby bonus: leaving it out of the
        context gives the same answer, and lets documents about the same area
        share memoised answers.
        """
        entry = self._reach_memo.get(id(resolution))
        if entry is None or entry[0] is not resolution:
            if len(self._reach_memo) > _CONTEXT_MEMO_LIMIT:
                self._reach_memo.clear()
            entry = self._reach_memo[id(resolution)] = (resolution, {})
        known = entry[1]
        kept = []
        for place in nearby:
            close = known.get(place.place_id)
            if close is None:
                close = known[place.place_id] = near_a_candidate(place, resolution)
            if close:
                kept.append(place)
        return tuple(kept)

    # spelling and prominence, once per place

    def _facts(self, place: Place) -> _Facts:
        facts = self._facts_memo.get(id(place))
        if facts is None or facts.place is not place:
            if len(self._facts_memo) >= _FACTS_LIMIT:
                self._facts_memo.clear()
                self._similarity_memo.clear()  # its ids are only safe while the facts pin the places
                self._near_memo.clear()
            lights = self.gazetteer.lights_of(place)
            population = place.population
            population_term = _W_POPULATION * min(1.0, math.log10(population + 1) / 7.0) if population else 0.0
            facts = self._facts_memo[id(place)] = _Facts(
                place, lights, lights[0] if lights else light(place.name), _W_KIND * KIND_WEIGHT[place.kind],
                population_term, f"population {population:,}" if population else "",
            )
        return facts

    def _light_similarity(self, query: str, place: Place) -> float:
        memo_key = (query, id(place))
        found = self._similarity_memo.get(memo_key)
        if found is None:
            facts = self._facts(place)  # pins the place: its id is its own while the memo entry lives
            found = _similarity_uncached(query, place, facts.lights)
            if len(self._similarity_memo) >= _MEMO_LIMIT:
                self._similarity_memo.clear()
            self._similarity_memo[memo_key] = found
        return found

    def _spelling_similarity(self, name: str, place: Place) -> float:
        """1.0 when the query is spelled like one of the place's names, else the best ratio."""
        return self._light_similarity(light(name), place)

    def spelling(self, name: str, place: Place) -> float:
        """How alike ``name`` is spelled to the closest of ``place``'s names: 1.0 for one of them
        (case, diacritics and articles aside), else their best similarity ratio (0 to 1)."""
        return self._spelling_similarity(name, place)

    def _trusted_fuzzy(self, name: str, cand: Candidate) -> bool:
        """A fuzzy key match close enough, and spelled closely enough, to act on."""
        return cand.score >= FUZZY_ACCEPT and self._spelling_similarity(name, cand.place) >= FUZZY_SPELLING

    def _prefer_settlement(self, name: str, ranked: list, context: ResolveContext,
                           apposed: _Apposed | None = None) -> tuple:
        """The top-ranked entry, or the town inside it when it is a same-named admin unit,
        or the country a small place shares its exact name with.

        Without a cue, "Tell Abiad" means the town rather than the district
        named after it, whatever the spelling of each row.
        """
        top = ranked[0]
        if context.cue is None and top[1].place.kind in SMALL_KINDS:
            # "rebel backer Qatar": a bare name spelled as a country is the country, not a village of that name
            country = next((item for item in ranked if item[1].place.kind == "country" and not item[1].fuzzy
                            and self._light_similarity(light(name), item[1].place) == 1.0), None)
            if country is not None:
                return country
        if context.cue is not None or top[1].place.kind not in ADMIN_KINDS[1:] \
                or (apposed is not None and apposed.holds_any(top[1].place)):
            return top  # "X, Idlib" with X in Idlib governorate: the governorate, not its town
        for item in ranked[1:]:
            place = item[1].place
            if place.kind in _TOWN_KINDS and nested(top[1].place, place):
                return item
        return top


def _similarity_uncached(query: str, place: Place, known: tuple[str, ...] | None = None) -> float:
    from rapidfuzz import fuzz, process

    if known is not None and len(known) == len(place.names):
        if query in known:
            return 1.0
        return process.extractOne(query, known, scorer=fuzz.ratio)[1] / 100.0
    # Names in order, stopping at the first spelled alike: world cities carry
    # dozens of alternative names, most never needed.
    lights = []
    for candidate_name in place.names:
        spelled = light(candidate_name)
        if spelled == query:
            return 1.0
        lights.append(spelled)
    # the largest ratio over the names; dividing the maximum equals maximising the quotients
    return process.extractOne(query, lights, scorer=fuzz.ratio)[1] / 100.0 if lights else 0.0
