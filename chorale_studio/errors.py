"""The project's own errors: each carries a one-line message a composer can act on."""


class ChoraleError(Exception):
    """Base of every error a user can cause (bad file, bad option, wrong model folder)."""


class FileFormatError(ChoraleError):
    """A file could not be read or written as the format its name promises."""


class TokenError(ChoraleError):
    """Seed-language text that is not well formed and cannot be repaired unambiguously."""


class ModelFolderError(ChoraleError):
    """A folder that is not a usable chorale model checkpoint."""


class ImportCancelled(ChoraleError):
    """The composer closed a question the import asked (which parts to read): nothing was opened."""
