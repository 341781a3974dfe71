"""The trained layer (issue 4): spaCy components learned from the gold files of the
``dev`` split, merged with the rule components' rows.

- ``data``: gold records → DocBins, each document run through the rules pipeline so
  tokens, sentences and the rule spans (the model's candidates) match extraction.
- ``fit``: trains the components declared in ``trained.cfg`` (fixed epochs and seed).
- ``cv``: k-fold cross-validation by document, out-of-fold scores and the merge
  thresholds chosen on them.
- ``merge``: the component that combines model and rule rows (``source``, ``confidence``).
- ``layer``: ``add_trained_layer(nlp, model_dir)``, used by ``pipeline.nlp``.
"""


class TrainError(Exception):
    """Training cannot run (missing gold, bad split file): one line for the user."""
