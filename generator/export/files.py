"""Writing export files so that a reader never sees half a file."""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto ``target`` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def save_workbook(workbook, path: Path) -> None:
    """Save an openpyxl workbook so that the same content gives the same bytes: the document
    dates and every zip entry's time come from SOURCE_DATE_EPOCH (or 1980-01-01), not the clock."""
    import datetime
    import zipfile

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    when = datetime.datetime.fromtimestamp(max(epoch, 315532800), tz=datetime.timezone.utc).replace(tzinfo=None)
    workbook.properties.created = when
    workbook.save(path)  # openpyxl stamps ``modified`` with the clock here; rewritten below
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            archive.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data,
                             compress_type=zipfile.ZIP_DEFLATED)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_output(target) as temp:
        temp.write_bytes(data)
