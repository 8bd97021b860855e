"""The pinned Mermaid build that the site serves itself (never a CDN).

Material loads `mermaid@11` from a public CDN unless a global `mermaid`
exists, so the site ships its own copy. It is fetched once from the npm
registry with `npm pack`, checked against the tarball's pinned SHA-512
and the file's SHA-256, and cached outside the repository.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "11.17.2"
#: npm's `dist.integrity` of mermaid-11.17.2.tgz.
TARBALL_SHA512 = "V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQxULMa80/qt5gHO73aCleBBg=="
#: SHA-256 of `package/dist/mermaid.min.js` inside it.
SCRIPT_SHA256 = "581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8"
#: Where the site serves it.
SITE_PATH = "assets/javascripts/mermaid.min.js"


class MermaidMissing(Exception):
    """The pinned Mermaid file is not installed or is not the expected file."""


def cache_dir() -> Path:
    base = os.environ.get("JOURNEYSITE_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "journeysite"


def script_path() -> Path:
    return cache_dir() / f"mermaid-{VERSION}.min.js"


def installed_script() -> Path:
    """The verified cached script, or MermaidMissing saying how to get it."""
    path = script_path()
    if not path.is_file():
        raise MermaidMissing(
            f"Mermaid {VERSION} is not installed, so journey diagrams cannot render. "
            "Run `journeysite mermaid` once (it needs npm and access to the npm registry)."
        )
    if hashlib.sha256(path.read_bytes()).hexdigest() != SCRIPT_SHA256:
        raise MermaidMissing(f"{path} is not Mermaid {VERSION} (checksum mismatch); run `journeysite mermaid` again.")
    return path


def install() -> Path:
    """Fetch, verify and cache the pinned Mermaid build; return its path."""
    if script_path().is_file():
        try:
            return installed_script()
        except MermaidMissing:
            pass
    npm = shutil.which("npm")
    if npm is None:
        raise MermaidMissing("npm is needed to fetch Mermaid from the npm registry; install Node.js and npm.")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([npm, "pack", f"mermaid@{VERSION}", "--pack-destination", tmp],
                                capture_output=True, text=True)
        tarball = Path(tmp) / f"mermaid-{VERSION}.tgz"
        if result.returncode != 0 or not tarball.is_file():
            raise MermaidMissing(f"npm pack mermaid@{VERSION} failed: {result.stderr.strip()}")
        raw = tarball.read_bytes()
        if base64.b64encode(hashlib.sha512(raw).digest()).decode() != TARBALL_SHA512:
            raise MermaidMissing(f"mermaid-{VERSION}.tgz does not match its pinned SHA-512; refusing to use it.")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/dist/mermaid.min.js")
            script = member.read() if member else b""
    if hashlib.sha256(script).hexdigest() != SCRIPT_SHA256:
        raise MermaidMissing("dist/mermaid.min.js inside the verified tarball has an unexpected checksum.")
    target = script_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(script)
    partial.replace(target)
    return target
