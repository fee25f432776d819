"""The words people type and the words listings use: the analyzer (Snowball stemming), filler
words that rank but never exclude, everyday synonyms, and spelling correction against the index's
own vocabulary.

Corrections are cached per index version in the ``data`` object the engine passes in (its
``corrections`` dict and ``buckets``), so this module needs nothing else from the package.
"""
from __future__ import annotations

import re

from whoosh.analysis import StemmingAnalyzer
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.support.levenshtein import distance

# Snowball's English stemmer, not Whoosh's default Porter: Porter keeps doubled consonants
# ("swimming" -> "swimm"), so "swimming" would miss "swim". Changing the analyzer needs a
# `flask catalogue reindex`.
ANALYZER = StemmingAnalyzer(stemfn=EnglishStemmer().stem, minsize=2)
TEXT_FIELDS = ("title", "org", "tags", "body")

# Words people add that describe most listings, or that only carry the sentence ("someone to help me
# get ...", "I would like to go ..."): they rank but never exclude. Stems, as ``words()`` makes them.
FILLER = {"help", "helper", "support", "service", "servic", "someon", "need", "want", "look", "find", "local",
          "near", "me", "my", "with", "for", "and", "the", "a", "an", "to", "in", "of", "on", "at", "some", "ani",
          "somebodi", "anyon", "anybodi", "person", "peopl", "get", "got", "go", "goe", "went", "take", "bring",
          "would", "like", "could", "abl", "pleas", "im", "am", "feel", "do", "more", "again", "our", "out"}

# Everyday words and what listings call them. Keys and values are lower case; a value
# may be several words (matched as all of those words).
SYNONYMS: dict[str, list[str]] = {
    "pa": ["personal assistant"],
    "pas": ["personal assistant"],
    "personal assistant": ["pa"],
    "gym": ["fitness"],
    "fitness": ["gym"],
    "cleaner": ["domestic help", "cleaning"],
    "cleaning": ["cleaner", "domestic help"],
    "domestic help": ["cleaner", "cleaning"],
    "housework": ["domestic help", "cleaning"],
    "carer": ["care worker", "support worker"],
    "care worker": ["carer", "support worker"],
    "support worker": ["carer", "care worker"],
    "holiday": ["short break"],
    "respite": ["short break"],
    "short break": ["holiday", "respite"],
    "taxi": ["transport"],
    "lift": ["transport"],
    "computer": ["laptop", "computing"],
    "laptop": ["computer", "computing"],
    "counselling": ["talking therapy"],
    "therapy": ["counselling"],
    "befriending": ["befriender", "companionship"],
    "garden": ["gardening"],
    "peer broker": ["support planning"],
    "broker": ["support planning"],
    "advocate": ["advocacy"],
    "job": ["employment"],
    "work": ["employment"],
    "swim": ["swimming"],
    # Everyday phrasing (longest phrase wins, so "get out of the house" is one idea, not three words).
    "get out": ["go out", "days out", "day trips"],
    "get out of the house": ["go out", "days out", "day trips"],
    "get out of the house more": ["go out", "days out", "day trips"],
    "getting out": ["go out", "days out", "day trips"],
    "go out": ["days out", "day trips"],
    "going out": ["go out", "days out", "day trips"],
    "leave the house": ["go out", "days out", "day trips"],
    "day out": ["days out", "day trips"],
    "days out": ["day trips"],
    "trips": ["days out", "day trips"],
    "meet people": ["befriending", "social support", "companionship"],
    "meet new people": ["befriending", "social support", "companionship"],
    "make friends": ["befriending", "social support", "companionship"],
    "lonely": ["befriending", "social", "companionship"],
    "loneliness": ["befriending", "social", "companionship"],
    "isolated": ["befriending", "social", "companionship"],
    "company": ["befriending", "companionship"],
    "socialise": ["social", "befriending"],
    "socialising": ["social", "befriending"],
    "talk to": ["talking therapy", "counselling", "befriending"],
    "someone to talk to": ["talking therapy", "counselling", "befriending"],
    "my house": ["house", "home"],
    "the house": ["house", "home"],
    "my flat": ["flat", "home"],
    "take me out": ["go out", "days out", "day trips"],
    "meals": ["cooking"],
}
_MAX_SYNONYM_WORDS = max(len(k.split()) for k in SYNONYMS)

MAX_CACHED_CORRECTIONS = 10000


def normalise_query(text: str) -> str:
    """Lower case, punctuation gone, single spaces: the form the demand log stores."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s'-]", " ", (text or "").lower())).strip()[:200]


def words(text: str) -> list[str]:
    return [t.text for t in ANALYZER(text)]


def concepts(text: str) -> list[list[list[str]]]:
    """Split typed text into concepts; each concept is a list of alternatives (lists of words).

    Synonym phrases are matched longest first on the raw words, so "personal assistant"
    becomes one concept with the alternatives [personal, assist] and [pa].
    """
    raw = normalise_query(text).split()
    found, i = [], 0
    while i < len(raw):
        for size in range(min(_MAX_SYNONYM_WORDS, len(raw) - i), 0, -1):
            phrase = " ".join(raw[i:i + size])
            if phrase in SYNONYMS:
                alternatives = [words(phrase)] + [words(s) for s in SYNONYMS[phrase]]
                found.append([a for a in alternatives if a])
                i += size
                break
        else:
            stems = words(raw[i])
            if stems:
                found.append([stems])
            i += 1
    return [c for c in found if c]


def correct(word: str, searcher, data, vocabulary) -> str | None:
    """The most common indexed word within a small edit distance, for a word the index lacks.

    ``data`` holds this index version's caches; ``vocabulary()`` gives the indexed words by first
    letter with their document frequencies. Answers are remembered per index version (the same
    word always gets the same answer until the index changes).
    """
    try:
        return data.corrections[word]
    except KeyError:
        pass
    fixed = _find_correction(word, searcher, data, vocabulary)
    if len(data.corrections) >= MAX_CACHED_CORRECTIONS:
        data.corrections.clear()
    data.corrections[word] = fixed
    return fixed


def _find_correction(word: str, searcher, data, vocabulary) -> str | None:
    if any(searcher.reader().doc_frequency(f, word) for f in TEXT_FIELDS):
        return None
    if len(word) < 4:
        return None
    maxdist = 1 if len(word) < 6 else 2
    length, letters = len(word), _letters(word)
    # Candidates in the vocabulary's order (most frequent first). A word within edit distance
    # d differs from this one in at most 2d distinct letters, so most candidates are ruled out
    # by comparing letter bitmasks before the (slow) edit distance is computed.
    for candidate, candidate_length, candidate_letters in _bucket(data, vocabulary(), word[:1]):
        if (abs(candidate_length - length) <= maxdist and (candidate_letters ^ letters).bit_count() <= 2 * maxdist
                and distance(candidate, word, limit=maxdist) <= maxdist):
            return candidate
    return _correct_before_stemming(word, vocabulary())


def _bucket(data, vocabulary: dict[str, list[tuple[str, int]]], letter: str) -> list[tuple[str, int, int]]:
    """The vocabulary's words starting with ``letter``, most frequent first, with lengths and letter masks."""
    with data.lock:
        if data.vocabulary is not vocabulary:
            data.vocabulary, data.buckets = vocabulary, {}
        bucket = data.buckets.get(letter)
        if bucket is None:
            bucket = data.buckets[letter] = [(w, len(w), _letters(w)) for w, _freq in vocabulary.get(letter, [])]
        return bucket


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _correct_before_stemming(word: str, vocabulary: dict[str, list[tuple[str, int]]]) -> str | None:
    """A misspelt word the stemmer could not shorten ("persnal") is compared with the index's
    stems ("person") too far apart to match. Try every one-letter edit of the typed word
    instead, stem each, and keep the most frequent stem the index has."""
    best, best_freq = None, 0
    for edited in _edits1(word):
        stems = words(edited)
        if len(stems) != 1 or stems[0] == word:
            continue
        stem = stems[0]
        freq = dict(vocabulary.get(stem[:1], [])).get(stem, 0)
        if freq > best_freq:
            best, best_freq = stem, freq
    return best


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return set(deletes + transposes + replaces + inserts)


def _letters(word: str) -> int:
    """A bitmask of the letters in ``word`` (other characters share bits, which only loosens the test)."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) % 61)
    return mask

