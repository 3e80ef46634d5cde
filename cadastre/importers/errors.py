"""The one exception every importer raises to refuse a delivery: the caller's transaction is
rolled back and the message (French, shown to the operator) names the file, the feature and the
field at fault."""


class ImportRefused(ValueError):
    pass


class DryRun(Exception):
    """Raised at the end of a dry run to roll the import's transaction back."""
