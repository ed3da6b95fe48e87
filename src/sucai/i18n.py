"""The message catalogue (issue 21): English source text, and its Chinese in
``locale/zh_CN/LC_MESSAGES/sucai.po``, a gettext catalogue kept with Babel
(``pybabel extract -k N_ -k _``, see docs/web.md).

The ``.po`` file is read at run time, once, into a :class:`gettext.NullTranslations`: nothing
compiled is shipped or committed, nothing needs a build step, and it works offline. The web
pages are Chinese (:data:`WEB_LANGUAGE`); the command line follows the locale
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them): ``zh…`` gives
Chinese, anything else English.
"""

from __future__ import annotations

import gettext
import json
import os
import re
from functools import cache
from importlib.resources import files
from typing import Any, Final

__all__ = [
    "FAILURES",
    "LINE_WORDS",
    "LIST_SEPARATOR",
    "N_",
    "STATUSES",
    "SUMMARY",
    "WEB_LANGUAGE",
    "Term",
    "catalogue",
    "cli_language",
    "explain_file",
    "fill",
    "import_summary",
    "line_word",
    "read_po",
    "say",
    "user_message",
]

WEB_LANGUAGE: Final = "zh_CN"
_PO: Final = "locale/zh_CN/LC_MESSAGES/sucai.po"
_STRING: Final = re.compile(r'"(?:[^"\\]|\\.)*"')


def N_(message: str) -> str:
    """``message`` unchanged: marks it for the catalogue, to be translated where it is shown."""
    return message


class Term(str):
    """A value of a message that is itself a word to translate (a filter's name: ``role`` is
    角色 in Chinese); mark it ``N_`` where it is written."""

    __slots__ = ()


#: How the items of a list value of a message are joined.
LIST_SEPARATOR: Final = N_(", ")


#: What happened to each file of an import (``FileReport.status``).
STATUSES: Final = {
    "imported": N_("imported"),
    "duplicate": N_("duplicate"),
    "skipped": N_("skipped"),
    "refused": N_("refused (classified)"),
    "failed": N_("failed"),
}

#: Why a file was not imported (``FileReport.code``), for a reader: what to do next. The
#: file's own message (in English, with its details) stays in the report.
FAILURES: Final = {
    "missing": N_("The file or folder does not exist: check the path."),
    "not-a-file": N_("Not a regular file (a device, a pipe or a socket): skipped."),
    "unreadable": N_("The file cannot be read (permissions?): check it, then import it again."),
    "empty": N_("The file is empty: nothing to import."),
    "empty-folder": N_("The folder holds no file sucai can read."),
    "empty-archive": N_("The archive holds no file sucai can read."),
    "unsupported": N_(
        "This kind of file is not imported: use .txt .md .docx .doc .wps .html .pdf."
    ),
    "decode": N_("The text's encoding was not recognised: save it as UTF-8, then import it again."),
    "binary": N_("This is not a text file: check that it is the document you meant."),
    "damaged": N_("The file is damaged: open it in its program, save it again, then import it."),
    "encrypted": N_("The file is protected by a password: remove it, then import the file."),
    "no-text": N_("The file holds no text (a scanned PDF?): import a text version."),
    "needs-libreoffice": N_(".doc and .wps files need LibreOffice on the server: ask the admin."),
    "bad-archive": N_("The archive cannot be opened: check it and try again."),
    "unsafe-name": N_("An archive entry with an unsafe name (an absolute path or ..): skipped."),
    "outside-link": N_("A link pointing outside the imported folder: skipped."),
    "too-large": N_("The file is larger than sucai imports: split it into smaller files."),
    "unpacked-too-large": N_("The archive unpacks to more than sucai imports: split it."),
    "too-many-members": N_("The archive holds more files than sucai imports at once: split it."),
    "too-many-lines": N_("The text has more lines than sucai imports: split it."),
    "line-too-long": N_("A line of the text is too long to be a paragraph: check the file."),
    "text-too-long": N_("The text is longer than sucai imports: split it."),
    "too-many-headings": N_("The text has more headings than a document holds: check the file."),
    "too-many-markers": N_("The text has more paywall markers than a document holds."),
    "combining-marks": N_("The text is full of combining marks (garbled?): check the file."),
    "classified": N_("The file is marked 秘密/机密/绝密 and was refused."),
    "duplicate": N_("The same file was imported before: nothing new."),
    "internal": N_("An internal error stopped this file: the admin can find it in the log."),
}


def read_po(text: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of a ``.po`` catalogue (entries without a translation, fuzzy
    ones and the header left out)."""
    out: dict[str, str] = {}
    for entry in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = ""
        fuzzy = False
        for line in entry.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith(("msgid ", "msgstr ")):
                current = line.split(" ", 1)[0]
                fields[current] = "".join(json.loads(s) for s in _STRING.findall(line))
            elif line.startswith('"') and current:
                fields[current] += "".join(json.loads(s) for s in _STRING.findall(line))
        if fields.get("msgid") and fields.get("msgstr") and not fuzzy:
            out[fields["msgid"]] = fields["msgstr"]
    return out


class _Catalogue(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The translations for ``language`` (``zh_CN``, ``zh``, ``en_US.UTF-8`` …): Chinese for
    ``zh…``, else the English source text itself."""
    if not language.lower().startswith("zh"):
        return gettext.NullTranslations()
    return _Catalogue(read_po(files("sucai").joinpath(_PO).read_text(encoding="utf-8")))


def cli_language() -> str:
    """The language of the command line's messages, from the locale variables."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return value.split(":", 1)[0]
    return "en"


#: The import summary of the command line, a piece at a time (English as it always read).
SUMMARY: Final = (
    N_("%(files)d files: %(imported)d imported, %(duplicates)d duplicates, %(skipped)d skipped, "),
    N_("%(refused)d refused (classified), "),
    N_("%(failed)d failed · %(articles)d articles (%(new_articles)d new"),
    N_(", %(merged_articles)d merged as near-duplicates"),
    N_(") · %(removed_lines)d advertising/chrome lines removed"),
)
#: The first word of a file's line in the command line's import report, by status.
LINE_WORDS: Final = {
    "imported": N_("ok    "),
    "duplicate": N_("same  "),
    "skipped": N_("skip  "),
    "refused": N_("REFUSED  "),
    "failed": N_("FAIL  "),
}


def explain_file(status: str, code: str, language: str) -> tuple[str, str]:
    """A file's ``(status, reason)`` of an import report in ``language``; the reason is ``""``
    when :data:`FAILURES` has none for ``code`` in that language (in English the file's own
    message, more precise, says it)."""
    say = catalogue(language).gettext
    reason = FAILURES.get(code, "")
    translated = say(reason) if reason else ""
    return say(STATUSES.get(status, status)), translated if translated != reason else ""


def line_word(status: str, language: str) -> str:
    """The first word of a file's line in the command line's import report."""
    return catalogue(language).gettext(LINE_WORDS.get(status, LINE_WORDS["failed"]))


def import_summary(counts: dict[str, Any], language: str) -> str:
    """The command line's import summary of ``counts``: the report as ``sucai import --json``
    gives it (files, imported, duplicates, skipped, refused, failed, articles, new_articles,
    merged_articles, removed_lines)."""
    say = catalogue(language).gettext
    files, refused, failed, merged, removed = SUMMARY
    shown = [files, *([refused] if counts["refused"] else []), failed]
    shown += [*([merged] if counts["merged_articles"] else []), removed]
    return "".join(say(piece) % counts for piece in shown)


def fill(template: str, values: dict[str, Any], language: str) -> str:
    """``template`` (English, marked ``N_``) in ``language``, its ``{name}`` placeholders
    filled from ``values``: a :class:`Term` is translated, a list or tuple joined (``, `` in
    English, ``、`` in Chinese)."""
    translate = catalogue(language).gettext
    separator = translate(LIST_SEPARATOR)
    shown = {
        name: translate(value)
        if isinstance(value, Term)
        else separator.join(map(str, value))
        if isinstance(value, (list, tuple))
        else value
        for name, value in values.items()
    }
    return translate(template).format(**shown)


def say(message: str, language: str, **values: Any) -> str:
    """``message`` (English, marked ``N_`` or ``_``) in ``language``, filled with ``values``
    as :func:`fill` does."""
    return fill(message, values, language)


def user_message(error: Exception, language: str) -> str:
    """What ``error`` says in ``language``: a :class:`~sucai.errors.SucaiError` made with
    ``of`` is translated from its template; any other as it was written."""
    template = getattr(error, "template", "")
    if not template:
        return str(error)
    return fill(template, getattr(error, "values", {}), language)
