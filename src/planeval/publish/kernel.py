"""The Jupyter kernel papermill runs the notebooks on: ``planeval``, this environment's Python."""

from __future__ import annotations

from pathlib import Path

KERNEL_NAME = "planeval"
KERNEL_DISPLAY = "Python 3 (planeval)"
#: Kernel options for unattended runs: the kernel's start-up warning (plain-TCP transport on
#: localhost) would otherwise be printed once per report in a batch log.
KERNEL_QUIET = ["--IPKernelApp.log_level=ERROR"]


def ensure_kernel() -> str:
    """Register this environment's Python as the Jupyter kernel ``planeval`` (idempotent)."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return KERNEL_NAME
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY, prefix=sys.prefix)
    return KERNEL_NAME
