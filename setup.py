"""The one native module: SM4-GCM through libgcrypt (application/_sm4gcm.c, whose header says
why). Optional: without gcc or libgcrypt's headers (Debian: libgcrypt20-dev) the install goes
on without it and sealing uses `cryptography`'s SM4-GCM, which makes the same bytes."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "application._sm4gcm",
            ["application/_sm4gcm.c"],
            libraries=["gcrypt"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
            optional=True,
        )
    ]
)
