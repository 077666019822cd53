"""Linking: from triggers, actors, places, dates and figures to coded events.

One pass over the sentences of a document.  In each clause the trigger of
highest priority (``lexicon/triggers.yaml``) makes one event unless it is
negated or hypothetical; its actors, place, date and casualty figures are
chosen by ordered rules, each recording why:

Actors
    ``between X and Y``; an agent after the trigger ("were shelled by X",
    "an offensive by X"); for "X lost ground to Y" the gainer Y; otherwise
    the nearest actor before the trigger (the doer, not a target after
    "against"/"on"); a side named only as a holder of territory
    ("government-held") implies the other side attacked; failing all, the
    actor of the last event of the same type a sentence or two earlier.

Place (``reason`` column)
    1. a place in the trigger's clause ("in/of/on/near/east of X"),
       preferring a neighbourhood inside a city also named there,
       non-country places over countries (for talks and deals, only over
       the report's own country and those holding a named place), and
       places introduced by a preposition, named as a city, town,
       village or neighbourhood, or attacked ("forces attacked Saraqeb
       ... in Idlib province") over places named in passing;
    2. a place elsewhere in the same sentence;
    3. for "the city", "there", "the area" ... the place carried from the
       previous sentence;
    4. the place of the earlier event a definite reference continues ("the
       airstrikes", "the rebel bombardment");
    5. the document's focus (its most named place), at geo_precision 3.

Dates
    A date in the clause, else in the sentence, else the date of the last
    event (a report keeps telling the same day), else the report date.

Events reported twice (same actor1, type, place, date) are merged, keeping
every sentence's evidence and the lowest fatality figure; an event whose
only toll is told as more ("a further five died") is never merged. An event
told without its doer merges into the one event of its type, place and date
that names one, unless it names a side hit that the other does not.
"""

from geomap.extract.linking.build import build_events
from geomap.extract.linking.place import document_focus
from geomap.extract.linking.records import Doc, EventRecord, Evidence

__all__ = ["build_events", "document_focus", "Doc", "EventRecord", "Evidence"]
