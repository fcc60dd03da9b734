"""Certificates made by the test: a private CA and a server certificate it signs, with the openssl CLI.

``private_ca(directory)`` makes ``ca.pem`` (a CA of its own, as a bank's would be), and
``server.pem`` / ``server-key.pem`` for 127.0.0.1, ::1 and localhost signed by it (the key
mode 0600, as the gateway wants it). The ``cryptography`` package is not among the project's
dependencies, so the ``openssl`` command makes them; without it the caller skips.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the private CA's certificate: what a client is given with --ca
    cert: Path  # the server certificate (127.0.0.1, ::1, localhost), signed by the CA
    key: Path  # its private key, mode 0600


def _openssl() -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a test certificate")
    return openssl


def _run(*args: str) -> None:
    subprocess.run([_openssl(), *args], check=True, capture_output=True, timeout=60)


def private_ca(directory: Path, *, names: str = "IP:127.0.0.1,IP:::1,DNS:localhost") -> Certificates:
    """A private CA and a server certificate for ``names`` (subjectAltName) signed by it, in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca = directory / "ca-key.pem", directory / "ca.pem"
    key, csr, cert = directory / "server-key.pem", directory / "server.csr", directory / "server.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run(
        "req",
        "-x509",
        *ec,
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
        "-days",
        "2",
        "-subj",
        "/CN=Test Bank CA",
    )
    _run("req", "-new", *ec, "-keyout", str(key), "-out", str(csr), "-subj", "/CN=gateway.test")
    extensions = directory / "server.ext"
    extensions.write_text(f"subjectAltName={names}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    _run(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(cert),
        "-days",
        "2",
        "-extfile",
        str(extensions),
    )
    key.chmod(0o600)
    return Certificates(ca=ca, cert=cert, key=key)
