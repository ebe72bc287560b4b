"""A bound on what one request may upload, before any form sees the files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class UploadLimitHandler(FileUploadHandler):
    """Stops keeping uploaded files once a request has sent MAX_UPLOAD_BYTES of them.

    Django writes an upload to a temporary file before the view runs, so without this a
    10 GB upload would fill the disk before the Import or capture form said it is too big.
    Past the limit the rest is read and dropped, and the file goes on as an empty
    placeholder that carries the size it really had: the form's own size check then
    refuses it with its usual message. First in FILE_UPLOAD_HANDLERS.
    """

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0  # all files of the request
        self.size = 0  # the current file
        self.dropping = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.size = 0
        self.dropping = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            self.dropping = True
        return None if self.dropping else raw_data

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        if not self.dropping:
            return None  # the next handler (memory or temporary file) has it all
        name, kind = self.file_name or "upload", self.content_type or "application/octet-stream"
        placeholder = SimpleUploadedFile(name, b"", kind)
        placeholder.size = self.size
        return placeholder
