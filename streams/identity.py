"""A stable article id: the envelope's own id, else a hash of the normalized text.

The hash covers title and body only, so re-scrapes of one story (with another `Total time`) keep one id,
which lets consumers deduplicate Khabar's at-least-once output.
"""
from __future__ import annotations

import hashlib

from streams.article import Article


def content_hash(title: str, body: str) -> str:
    return hashlib.blake2b(f"{title}\n{body}".encode(), digest_size=10).hexdigest()


def assign_id(article: Article) -> Article:
    if not article.id:
        article.id = content_hash(article.folded_title, article.folded_body)
    return article
