"""Chinese word segmentation for the search index and for queries (jieba + our dictionary).

Chinese is written without spaces, so both documents and queries are cut into words before
they reach a backend; every backend then indexes and matches whitespace-separated words.

- Documents are cut in search-engine mode: each word, and also every dictionary word inside
  it, so 维修资金 is found inside 专项维修资金 and 委员会 inside 业主委员会.
- Queries are cut precisely, without filler words (怎么, 如何, 的 …); each remaining word
  becomes a `Term` whose alternatives include its synonyms (业委会 ↔ 业主委员会).
- The domain dictionary `search/dict/gongzhi.txt` keeps our terms whole.
- Latin letters are lower-cased; digits and English words pass through as words. Full-width
  letters and digits (３号楼, ＬＩＦＴ: what Chinese input methods often type) are folded to
  their ASCII forms (NFKC) in documents and queries alike.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

DICTIONARY = Path(__file__).resolve().parent / "dict" / "gongzhi.txt"

# Words that carry no meaning in a question ("业委会怎么选" is about 业委会 and 选).
_STOPWORD_TEXT = (
    "的 了 吗 呢 啊 吧 呀 么 着 过 是 在 和 与 及 或 跟 把 被 让 给 对 向 从 到 就 都 也 还 "
    "怎么 怎样 怎么样 如何 什么 哪些 哪里 哪个 为什么 为何 多少 多久 几 谁 请问 一下 关于 "
    "算不算 是不是 是否 要不要 能不能 会不会 有没有 行不行 可不可以 "
    "我 我们 你 你们 他 她 它 他们 这 那 这个 那个 有 没有 要 需要 能 能否 可以 会 应该"
)
QUERY_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Each group is interchangeable in a query: a search for any member finds all of them.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("业委会", "业主委员会"),
    ("维修资金", "专项维修资金", "维修基金"),
    ("物业", "物业公司", "物业服务企业"),
    ("物业费", "物业服务费"),
    ("居委会", "社区居委会", "居民委员会"),
    ("号楼", "栋", "幢"),
    ("电梯", "升降机", "lift", "elevator"),
    ("停水", "暂停供水"),
    ("停电", "暂停供电"),
    ("投票", "表决"),
    ("门槛", "参与门槛"),
    ("维保", "维护保养"),
    ("电动车", "电动自行车", "电瓶车"),
    ("消防通道", "生命通道", "消防车通道"),
    ("车位", "停车位"),
    ("装修", "装饰装修"),
    ("漏水", "渗水", "渗漏"),
    ("监控", "摄像头"),
)

_SYNONYMS: dict[str, tuple[str, ...]] = {word: group for group in SYNONYM_GROUPS for word in group}

_WORD = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_domain_words: frozenset[str] | None = None


def tokenizer() -> jieba.Tokenizer:
    """Return the shared jieba tokenizer with our dictionary loaded (built once)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                instance = jieba.Tokenizer()
                instance.initialize()
                instance.load_userdict(str(DICTIONARY))
                for group in SYNONYM_GROUPS:
                    for word in group:
                        if _CJK.search(word) and not instance.FREQ.get(word):
                            instance.add_word(word, 20000)
                _tokenizer = instance
    return _tokenizer


def _is_word(token: str) -> bool:
    return bool(token.strip()) and bool(_WORD.search(token))


def _known(word: str) -> bool:
    return bool(tokenizer().FREQ.get(word))


def _inner_words(word: str) -> list[str]:
    """Return the dictionary words strictly inside `word`, in reading order."""
    if len(word) < 3 or not _CJK.search(word):
        return []
    found = []
    for start in range(len(word)):
        for end in range(start + 2, len(word) + 1):
            if end - start == len(word):
                continue
            part = word[start:end]
            if _known(part):
                found.append(part)
    return found


def normalise(text: str) -> str:
    """Fold full-width forms to ASCII (３号楼 → 3号楼) the same way for documents and queries."""
    return unicodedata.normalize("NFKC", text or "")


def document_words(text: str) -> list[str]:
    """Return the words to index for a text: each word preceded by the words inside it."""
    words: list[str] = []
    for token in tokenizer().cut(normalise(text), HMM=True):
        token = token.strip().lower()
        if not _is_word(token):
            continue
        words.extend(_inner_words(token))
        words.append(token)
    return words


def segment_document(text: str) -> str:
    """Return the text as space-separated words for the index."""
    return " ".join(document_words(text))


@dataclass(frozen=True)
class Term:
    """One query word and the words that may stand for it.

    `parts` are the dictionary words that spell a word the dictionary keeps whole
    (委托投票 → 委托, 投票), each with its own synonyms: a document holding every part matches
    too (委托他人投票, 委托代理人表决), ranked below the documents holding the word itself or
    one of its alternatives.
    """

    word: str
    alternatives: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()

    @property
    def is_prefix(self) -> bool:
        """A single Chinese character matches the words that start with it (选 → 选举)."""
        return len(self.word) == 1 and bool(_CJK.match(self.word))


@dataclass(frozen=True)
class ParsedQuery:
    """A query cut into terms; `words` are the kept words in order, for phrase matching."""

    text: str
    terms: tuple[Term, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(term.word for term in self.terms)

    @property
    def highlight_words(self) -> tuple[str, ...]:
        """Return every word worth marking in a snippet, longest first."""
        seen = {alt for term in self.terms for alt in term.alternatives}
        seen |= {alt for term in self.terms for part in term.parts for alt in part}
        return tuple(sorted(seen, key=len, reverse=True))

    @property
    def has_parts(self) -> bool:
        """True when some term also matches by its parts, so exact matches rank first."""
        return any(term.parts for term in self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)


def domain_words() -> frozenset[str]:
    """Return the words of our dictionary and synonym groups, which queries keep whole."""
    global _domain_words
    if _domain_words is None:
        lines = DICTIONARY.read_text(encoding="utf-8").splitlines()
        words = {line.split()[0] for line in lines if line.strip()}
        _domain_words = frozenset(words | set(_SYNONYMS))
    return _domain_words


def _spelling(word: str) -> list[str] | None:
    """Return the fewest dictionary words (two characters or more, never `word` itself) that
    spell `word`, or None."""
    if len(word) < 4 or not _CJK.search(word):
        return None
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(0, end - 1):
            part = word[start:end]
            if best[start] is None or len(part) == len(word) or not _known(part):
                continue
            candidate = [*best[start], part]
            if best[end] is None or len(candidate) < len(best[end]):
                best[end] = candidate
    return best[len(word)]


def _split_compound(word: str) -> list[str] | None:
    """Return the words to require instead of a general compound, or None to keep it whole.

    Only for general words: a query for 电梯维修 then finds 电梯的维修 and 维修电梯 too,
    while our own terms (维修资金, 业主大会) stay whole and match by their parts only as a
    fallback (see `Term.parts`).
    """
    if word in domain_words():
        return None
    return _spelling(word)


def _with_synonyms(word: str) -> tuple[str, ...]:
    """Return the word and its synonyms, the word first when it is not a group's own."""
    alternatives = _SYNONYMS.get(word, (word,))
    if word not in alternatives:
        alternatives = (word, *alternatives)
    return tuple(dict.fromkeys(alternatives))


def parse_query(text: str) -> ParsedQuery:
    """Cut a query into required terms: filler words dropped, synonyms attached."""
    text = normalise(text).strip()[:200]
    tokens: list[str] = []
    for token in tokenizer().cut(text, HMM=True):
        token = token.strip().lower()
        if _is_word(token):
            tokens.extend(_split_compound(token) or [token])
    kept = [t for t in tokens if t not in QUERY_STOPWORDS] or tokens
    terms: list[Term] = []
    for token in dict.fromkeys(kept):
        parts = _spelling(token) if token in domain_words() else None
        terms.append(
            Term(
                word=token,
                alternatives=_with_synonyms(token),
                parts=tuple(_with_synonyms(part) for part in parts or ()),
            )
        )
    return ParsedQuery(text=text, terms=tuple(terms))


def alternative_words(word: str) -> tuple[str, ...]:
    """Return the word as the index stores it (lower-cased, possibly several index words)."""
    return tuple(document_words(word)) or (word.lower(),)
