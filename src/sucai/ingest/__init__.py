"""Ingest: files → clean, structured articles (sources → parsers → normalize → structure)."""
