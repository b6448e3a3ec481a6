"""Bundles: the file an office carries to headquarters and the answer it brings back.

Format layer only (keys, signed-then-encrypted envelope, strict records); the services build
export and import on it. Imports nothing of ours above ``app.domain``.
"""
