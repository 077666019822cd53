"""Running the verbs: which input is what (:mod:`~geomap.run.inputs`), and corpora on one or many processes."""
