"""Word files from the templates (docxtpl) and PDF files from Word (LibreOffice, headless).

The PDF is converted from the very .docx the office gets, so the two never say different
things. LibreOffice is Debian's (`apt-get install libreoffice-writer-nogui fonts-liberation2`;
Liberation Serif has the metrics of Times New Roman and every Vietnamese letter); it runs one
conversion at a time per process with a private profile, several files per start.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PACKAGED_TEMPLATES = Path(__file__).parent / "templates"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


class RenderingUnavailable(RuntimeError):
    """No LibreOffice on this server: Word files only."""


class TemplateMissing(LookupError):
    pass


class DocumentRenderer:
    """Fills a Word template and converts Word files to PDF."""

    def __init__(self, templates_dir: Path | None = None, soffice: str | None = None, timeout: float = 120) -> None:
        self.templates_dir = templates_dir
        self.soffice = soffice
        self.timeout = timeout
        self._lock = threading.Lock()
        self._profile: Path | None = None

    def template_path(self, name: str) -> Path:
        """The office's edited template when it has one, else the packaged one."""
        for folder in (self.templates_dir, PACKAGED_TEMPLATES):
            if folder is not None and (folder / f"{name}.docx").is_file():
                return folder / f"{name}.docx"
        raise TemplateMissing(f"Không tìm thấy mẫu văn bản «{name}.docx».")

    def docx(self, name: str, context: Mapping[str, Any]) -> bytes:
        from docxtpl import DocxTemplate  # python-docx and lxml's parser (~10 MiB): when first used

        template = DocxTemplate(str(self.template_path(name)))
        template.render(dict(context), autoescape=True)
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    def _command(self) -> str:
        found = self.soffice or shutil.which("soffice") or shutil.which("libreoffice")
        if not found:
            raise RenderingUnavailable(
                "Máy chủ chưa cài LibreOffice (gói Debian libreoffice-writer-nogui) nên chưa tạo được bản PDF; "
                "bản Word (.docx) vẫn tải được."
            )
        return found

    @property
    def available(self) -> bool:
        try:
            self._command()
        except RenderingUnavailable:
            return False
        return True

    def pdfs(self, documents: Sequence[bytes]) -> list[bytes]:
        """Each Word file as PDF, converted in one LibreOffice run."""
        command = self._command()
        with self._lock, tempfile.TemporaryDirectory(prefix="tdkt-docs-") as work:
            folder = Path(work)
            if self._profile is None:
                self._profile = Path(tempfile.mkdtemp(prefix="tdkt-lo-profile-"))
            inputs = []
            for i, data in enumerate(documents):
                path = folder / f"d{i:04d}.docx"
                path.write_bytes(data)
                inputs.append(str(path))
            env = {**os.environ, "HOME": str(self._profile), "SAL_USE_VCLPLUGIN": "svp"}
            result = subprocess.run(
                [
                    command,
                    f"-env:UserInstallation=file://{self._profile}",
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    "--convert-to",
                    "pdf:writer_pdf_Export",
                    "--outdir",
                    str(folder / "out"),
                    *inputs,
                ],
                capture_output=True,
                timeout=self.timeout,
                env=env,
                check=False,
            )
            outputs = []
            for path in inputs:
                pdf = folder / "out" / (Path(path).stem + ".pdf")
                if not pdf.is_file():
                    raise RuntimeError(
                        f"LibreOffice did not convert {Path(path).name}: "
                        f"{result.stderr.decode(errors='replace')[-500:]}"
                    )
                outputs.append(pdf.read_bytes())
            return outputs

    def pdf(self, document: bytes) -> bytes:
        return self.pdfs([document])[0]
