"""The syntactic base: a small English pipeline trained here from UD English-EWT.

`make base-model` converts the treebank (`convert`), trains
`pipeline/configs/base_model.cfg` with `spacy train`, scores it on the test split
with `spacy evaluate` and writes a model card (`card`). The lemmatizer it uses is
`policy_lemmatizer` (`lemmatizer`), whose exception table is learned from the
training split when the pipeline is initialised.
"""


class BaseModelError(Exception):
    """A problem with the base model's inputs, reported to the user as one line."""
