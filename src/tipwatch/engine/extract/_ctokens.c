/* The gazetteer's two per-text passes, compiled: the letter-token split of Tokens.__init__ and
 * the name search of Gazetteer._find (see find() below) in _gazetteer.py.
 *
 * split(low, cache) returns (parts, offs, words, cyrillic), exactly what the pure-Python code
 * (_gazetteer._py_split) computes as
 *   parts = re.split(r"([^\W\d_]+)", low)        (a letter run: \w but neither \d nor "_")
 *   offs = list(itertools.accumulate(map(len, parts)))
 *   words = parts[1::2], or list(map(cache.__getitem__, parts[1::2])) unless cache is None
 *   cyrillic = re.search("[\u0400-\u04ff]", low) is not None
 * The pure-Python code stays as the fallback and the reference (tests/engine/
 * test_native_extract.py compares both). Python's re on str reads \w as str.isalnum() or "_" and
 * \d as str.isdecimal(); the Py_UNICODE_ISALNUM / Py_UNICODE_ISDECIMAL macros are the very tests
 * the regex engine uses, so a letter here is exactly a letter there (lone surrogates, astral
 * characters and combining marks included). Like the Python code, an all-ASCII text is split
 * on [a-z]+ (the callers pass lower-cased text).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* strings are always "ready" since 3.12 (PyUnicode_READY is a deprecated no-op, gone later) */
#if PY_VERSION_HEX >= 0x030C0000
#define READY(o) ((void)(o), 0)
#else
#define READY(o) PyUnicode_READY(o)
#endif

/* ascii: the whole text is ASCII, where the Python code splits on [a-z]+ (its texts are
 * lower-cased: the same tokens as the letter class; upper case is no letter there, as here) */
static inline int
is_letter(Py_UCS4 c, int ascii)
{
    if (c < 128) /* no table look-up for ASCII, the common case */
        return (c >= 'a' && c <= 'z') || (!ascii && c >= 'A' && c <= 'Z');
    return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c);
}

/* cache[word]: the folded form of word (the cache is _gazetteer._FOLDED, a dict subclass whose
 * __missing__ folds and stores; it does not override __getitem__, so a hit read straight from
 * the dict is what cache[word] returns) */
static PyObject *
fold_word(PyObject *cache, PyObject *word)
{
    if (PyDict_Check(cache)) { /* a hit without the __getitem__ call: most words are met before */
        PyObject *hit = PyDict_GetItemWithError(cache, word);
        if (hit != NULL) {
            Py_INCREF(hit);
            return hit;
        }
        if (PyErr_Occurred())
            return NULL;
    }
    return PyObject_GetItem(cache, word);
}

/* parts[k] = low[a:b], offs[k] = b */
static int
set_part(PyObject *parts, PyObject *offs, Py_ssize_t k, PyObject *low, Py_ssize_t a, Py_ssize_t b)
{
    PyObject *s = PyUnicode_Substring(low, a, b);
    if (s == NULL)
        return -1;
    PyList_SET_ITEM(parts, k, s);
    PyObject *o = PyLong_FromSsize_t(b);
    if (o == NULL)
        return -1;
    PyList_SET_ITEM(offs, k, o);
    return 0;
}

PyDoc_STRVAR(split_doc,
             "split(low, cache) -> (parts, offs, words, cyrillic)\n\n"
             "parts: re.split(r'([^\\W\\d_]+)', low) (gap, token, gap, ..., gap); offs: the running\n"
             "ends of the parts; words: the tokens (parts[1::2]), each looked up in cache unless\n"
             "cache is None; cyrillic: whether low holds a character in U+0400..U+04FF.");

static PyObject *
split(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "split() takes 2 arguments (low, cache)");
        return NULL;
    }
    PyObject *low = args[0], *cache = args[1];
    if (!PyUnicode_Check(low)) {
        PyErr_SetString(PyExc_TypeError, "split() needs a str");
        return NULL;
    }
    if (READY(low) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    int kind = PyUnicode_KIND(low);
    const void *data = PyUnicode_DATA(low);
    int ascii = PyUnicode_IS_ASCII(low);
    /* first pass: the number of tokens (the lists are then made at their size, no resizing)
     * and the Cyrillic flag */
    int cyrillic = 0;
    Py_ssize_t ntok = 0;
    int in_token = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x400 && c <= 0x4ff)
            cyrillic = 1;
        int letter = is_letter(c, ascii);
        if (letter && !in_token)
            ntok++;
        in_token = letter;
    }
    PyObject *parts = PyList_New(2 * ntok + 1);
    PyObject *offs = PyList_New(2 * ntok + 1);
    PyObject *words = PyList_New(ntok);
    if (parts == NULL || offs == NULL || words == NULL)
        goto fail;
    Py_ssize_t gap = 0; /* start of the current gap */
    Py_ssize_t i = 0, k = 0;
    while (i < n && k < ntok) {
        if (!is_letter(PyUnicode_READ(kind, data, i), ascii)) {
            i++;
            continue;
        }
        Py_ssize_t start = i++;
        while (i < n && is_letter(PyUnicode_READ(kind, data, i), ascii))
            i++;
        if (set_part(parts, offs, 2 * k, low, gap, start) < 0 ||
            set_part(parts, offs, 2 * k + 1, low, start, i) < 0)
            goto fail;
        PyObject *tok = PyList_GET_ITEM(parts, 2 * k + 1);
        PyObject *word = tok;
        if (cache == Py_None)
            Py_INCREF(word);
        else if ((word = fold_word(cache, tok)) == NULL)
            goto fail;
        PyList_SET_ITEM(words, k, word);
        k++;
        gap = i;
    }
    if (set_part(parts, offs, 2 * ntok, low, gap, n) < 0)
        goto fail;
    return Py_BuildValue("(NNNO)", parts, offs, words, cyrillic ? Py_True : Py_False);
fail:
    /* a list made by PyList_New holds NULL in the slots not yet set: freeing it is safe */
    Py_XDECREF(parts);
    Py_XDECREF(offs);
    Py_XDECREF(words);
    return NULL;
}

/* ------------------------------------------------------------------ Gazetteer._find, compiled
 *
 * find() walks the words once, as Gazetteer._py_find does, calling back into Python only for
 * what needs the gazetteer's data: _inflected() for a Cyrillic word not in its cache, lookup()
 * for a name not in its cache, and the Match class. One difference in the order of work, not in
 * the result: _py_find lists its start words before the loop, reading the inflection cache
 * once; here each word is tested when the loop reaches it, so a word that _inflected() has just
 * found to be no case form is skipped instead of being looked up again. _inflected() answers
 * from the word alone, and a skipped word makes no match either way: the same matches.
 */

/* x in container (a set, frozenset or the set of names): 1, 0, or -1 on error */
static inline int
contains(PyObject *container, PyObject *x)
{
    if (PyAnySet_Check(container))
        return PySet_Contains(container, x);
    return PySequence_Contains(container, x);
}

/* _GAP_RE.fullmatch(gap) for _GAP_RE = [\s\-'’.]{1,3} (\s: Py_UNICODE_ISSPACE, as in re) */
static int
joining_gap(PyObject *gap)
{
    if (!PyUnicode_Check(gap) || READY(gap) < 0)
        return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(gap);
    if (n < 1 || n > 3)
        return 0;
    int kind = PyUnicode_KIND(gap);
    const void *data = PyUnicode_DATA(gap);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!(Py_UNICODE_ISSPACE(c) || c == '-' || c == '\'' || c == 0x2019 || c == '.'))
            return 0;
    }
    return 1;
}

/* f"{key} {word}", built at its size (PyUnicode_FromFormat parses its format on every call).
 * The widest character kind of the two parts is the result's: both are canonical strings, so
 * the result is one too (the same kind as Python would make, so it compares and hashes alike). */
static PyObject *
join_key(PyObject *key, PyObject *word)
{
    if (!PyUnicode_Check(key) || !PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "find(): words must be str");
        return NULL;
    }
    if (READY(key) < 0 || READY(word) < 0)
        return NULL;
    Py_ssize_t a = PyUnicode_GET_LENGTH(key), b = PyUnicode_GET_LENGTH(word);
    if (a > PY_SSIZE_T_MAX - 1 - b)
        return PyErr_NoMemory();
    Py_UCS4 maxchar = PyUnicode_MAX_CHAR_VALUE(key);
    if (PyUnicode_MAX_CHAR_VALUE(word) > maxchar)
        maxchar = PyUnicode_MAX_CHAR_VALUE(word);
    PyObject *out = PyUnicode_New(a + 1 + b, maxchar);
    if (out == NULL)
        return NULL;
    if (PyUnicode_CopyCharacters(out, 0, key, 0, a) < 0 || PyUnicode_CopyCharacters(out, a + 1, word, 0, b) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    PyUnicode_WRITE(PyUnicode_KIND(out), PyUnicode_DATA(out), a, ' ');
    return out;
}

/* append match_cls(start, end, key, cities, primary) to out */
static int
add_match(PyObject *out, PyObject *match_cls, PyObject *start, PyObject *end, PyObject *key,
          PyObject *cities, PyObject *primary)
{
    PyObject *m = PyObject_CallFunctionObjArgs(match_cls, start, end, key, cities, primary, NULL);
    if (m == NULL)
        return -1;
    int rc = PyList_Append(out, m);
    Py_DECREF(m);
    return rc;
}

/* lookup(key) -> (cities, is_primary), appended as a match over start:end; a key already in
 * done (Gazetteer._found, what lookup() returns first for a key it has seen) without the call */
static int
add_lookup(PyObject *out, PyObject *match_cls, PyObject *lookup, PyObject *done, PyObject *key,
           PyObject *start, PyObject *end)
{
    PyObject *hit = PyDict_GetItemWithError(done, key);
    if (hit != NULL)
        Py_INCREF(hit);
    else if (PyErr_Occurred() || (hit = PyObject_CallOneArg(lookup, key)) == NULL)
        return -1;
    int rc = -1;
    if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 2)
        PyErr_SetString(PyExc_TypeError, "lookup() must return (cities, is_primary)");
    else
        rc = add_match(out, match_cls, start, end, key, PyTuple_GET_ITEM(hit, 0), PyTuple_GET_ITEM(hit, 1));
    Py_DECREF(hit);
    return rc;
}

/* whether word w can start a name: 2 when it is in first; 1 when (Cyrillic text: infl not
 * None) it starts with a Cyrillic letter and infl does not already know it to be no case form
 * of a city ("infl.get(w, True) is not None"), with *known = infl[w] (borrowed) when infl has
 * it, else NULL; 0 when it cannot start a name; -1 on error */
static int
is_start(PyObject *w, PyObject *first, PyObject *infl, PyObject **known)
{
    *known = NULL;
    int r = contains(first, w);
    if (r != 0)
        return r < 0 ? -1 : 2;
    if (infl == Py_None)
        return 0;
    if (!PyUnicode_Check(w)) {
        PyErr_SetString(PyExc_TypeError, "find(): words must be str");
        return -1;
    }
    if (READY(w) < 0)
        return -1;
    if (PyUnicode_GET_LENGTH(w) == 0)
        return 0;
    Py_UCS4 c = PyUnicode_READ_CHAR(w, 0);
    if (c < 0x400 || c > 0x4ff)
        return 0;
    PyObject *v = PyDict_GetItemWithError(infl, w);
    if (v == NULL)
        return PyErr_Occurred() ? -1 : 1;
    if (v == Py_None)
        return 0;
    *known = v;
    return 1;
}

PyDoc_STRVAR(find_doc,
             "find(words, offs, parts, first, prefixes, names, infl, max_tokens, max_matches,\n"
             "     inflected, lookup, match_cls, found) -> [match, ...]\n\n"
             "What Gazetteer._py_find yields, as a list (infl: the inflection cache for Cyrillic\n"
             "text, None for other text; found: lookup()'s cache, a dict).");

static PyObject *
find(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "find() takes 13 arguments");
        return NULL;
    }
    PyObject *words = args[0], *offs = args[1], *parts = args[2], *first = args[3];
    PyObject *prefixes = args[4], *names = args[5], *infl = args[6];
    PyObject *inflected = args[9], *lookup = args[10], *match_cls = args[11], *done = args[12];
    Py_ssize_t max_tokens = PyLong_AsSsize_t(args[7]);
    if (max_tokens == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t max_matches = PyLong_AsSsize_t(args[8]);
    if (max_matches == -1 && PyErr_Occurred())
        return NULL;
    if (!PyList_Check(words) || !PyList_Check(offs) || !PyList_Check(parts) ||
        (infl != Py_None && !PyDict_Check(infl)) || !PyDict_Check(done)) {
        PyErr_SetString(PyExc_TypeError,
                        "find(): words, offs, parts must be lists, infl a dict or None, found a dict");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(words);
    /* the Tokens invariant the indexing below relies on */
    if (PyList_GET_SIZE(offs) != 2 * n + 1 || PyList_GET_SIZE(parts) != 2 * n + 1) {
        PyErr_SetString(PyExc_ValueError, "find(): offs and parts must hold 2 * len(words) + 1 items");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    /* owned references, released on every path (the fail label releases what is left) */
    PyObject *tok = NULL, *key = NULL, *best = NULL, *hit = NULL;
    Py_ssize_t found = 0, next_free = 0;
    int r;
    /* items are read again (with a bounds check) after every call back into Python: a callback
     * could change the lists (none does; this keeps the code memory-safe if one ever did) */
#define ITEM(list, j) ((j) < PyList_GET_SIZE(list) ? PyList_GET_ITEM(list, (j)) : NULL)
#define GET(var, list, j)                                                                          \
    do {                                                                                           \
        if (((var) = ITEM(list, j)) == NULL)                                                       \
            goto changed;                                                                          \
    } while (0)
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *start, *end, *next, *gap, *w, *longer, *known;
        if (i < next_free)
            continue;
        GET(tok, words, i);
        Py_INCREF(tok);
        if ((r = is_start(tok, first, infl, &known)) <= 0) {
            if (r < 0)
                goto fail;
            Py_CLEAR(tok);
            continue;
        }
        if (found >= max_matches)
            break;
        if (r == 1) { /* a Cyrillic word: maybe a case form of a city's name */
            /* a word read before: what _inflected() returns first (its cache), without the call */
            if (known != NULL)
                hit = Py_NewRef(known);
            else if ((hit = PyObject_CallOneArg(inflected, tok)) == NULL)
                goto fail;
            if (hit != Py_None) {
                if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 2) {
                    PyErr_SetString(PyExc_TypeError, "_inflected() must return (key, cities) or None");
                    goto fail;
                }
                GET(start, offs, 2 * i);
                GET(end, offs, 2 * i + 1);
                found++;
                if (add_match(out, match_cls, start, end, PyTuple_GET_ITEM(hit, 0), PyTuple_GET_ITEM(hit, 1),
                              Py_True) < 0)
                    goto fail;
            }
            Py_CLEAR(hit);
            Py_CLEAR(tok);
            continue;
        }
        /* does a key or prefix go on with the next word? ("in", "de", "new" before most words
         * do not: then the one-word name, if any, is the match) */
        int goes_on = 0;
        if (i + 1 < n) {
            if ((r = contains(prefixes, tok)) < 0)
                goto fail;
            if (r) {
                GET(next, words, i + 1);
                if ((key = join_key(tok, next)) == NULL)
                    goto fail;
                if ((r = contains(names, key)) == 0)
                    r = contains(prefixes, key);
                if (r < 0)
                    goto fail;
                Py_CLEAR(key);
                goes_on = r;
            }
        }
        if (!goes_on) {
            if ((r = contains(names, tok)) < 0)
                goto fail;
            if (r) {
                GET(start, offs, 2 * i);
                GET(end, offs, 2 * i + 1);
                found++;
                next_free = i + 1;
                if (add_lookup(out, match_cls, lookup, done, tok, start, end) < 0)
                    goto fail;
            }
            Py_CLEAR(tok);
            continue;
        }
        /* the longest name of up to max_tokens words from i, across short gaps */
        key = tok; /* the reference moves to key */
        tok = NULL;
        Py_ssize_t k = i + 1, best_k = -1;
        if ((r = contains(names, key)) < 0)
            goto fail;
        if (r) {
            best_k = k;
            best = Py_NewRef(key);
        }
        while (k < n && k - i < max_tokens) {
            if ((r = contains(prefixes, key)) < 0)
                goto fail;
            if (!r)
                break;
            GET(gap, parts, 2 * k); /* the separator before word k (one space: most of them) */
            GET(w, words, k);
            if (!(PyUnicode_Check(gap) && PyUnicode_GET_LENGTH(gap) == 1 && PyUnicode_READ_CHAR(gap, 0) == ' ')) {
                if ((r = joining_gap(gap)) < 0)
                    goto fail;
                if (!r)
                    break;
            }
            if ((longer = join_key(key, w)) == NULL)
                goto fail;
            Py_SETREF(key, longer);
            k++;
            if ((r = contains(names, key)) < 0)
                goto fail;
            if (r) {
                best_k = k;
                Py_XSETREF(best, Py_NewRef(key));
            }
        }
        Py_CLEAR(key);
        if (best == NULL)
            continue;
        GET(start, offs, 2 * i);
        GET(end, offs, 2 * best_k - 1);
        found++;
        next_free = best_k;
        if (add_lookup(out, match_cls, lookup, done, best, start, end) < 0)
            goto fail;
        Py_CLEAR(best);
    }
#undef GET
#undef ITEM
    Py_XDECREF(tok);
    return out;
changed:
    PyErr_SetString(PyExc_RuntimeError, "find(): the token lists changed during the search");
fail:
    Py_XDECREF(tok);
    Py_XDECREF(key);
    Py_XDECREF(best);
    Py_XDECREF(hit);
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"split", (PyCFunction)(void (*)(void))split, METH_FASTCALL, split_doc},
    {"find", (PyCFunction)(void (*)(void))find, METH_FASTCALL, find_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "tipwatch.engine.extract._ctokens",
    .m_doc = "The gazetteer's token split and name search, compiled (see _gazetteer._py_split and "
             "Gazetteer._py_find for the reference).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__ctokens(void)
{
    return PyModule_Create(&module);
}
