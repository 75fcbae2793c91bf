"""Why an import stops, for the user: shared by the roster and the form-file
paths (imports.commit, imports.lrmx_import)."""

from __future__ import annotations

from core.errors import ConflictError


class CommitRefused(ConflictError):
    """The job cannot be committed (now); ``message`` is for the user."""
