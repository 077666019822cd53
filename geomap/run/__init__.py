"""Running the verbs: which input is what (:mod:`~geomap.run.inputs`), and corpora on one or many processes.

Light on purpose: the command line reads :data:`ENGINES` to build its parser
without importing the engines.
"""

#: Engines :func:`geomap.run.corpus.run_corpus` knows.
ENGINES = ("processes", "dask")
