/* The price extractor's number scan, compiled: the per-number work of find_prices before _after.
 *
 * candidates() walks the matches of prices._NUM_RE (or _NUM_FAST_RE) exactly as re.finditer
 * would, applies find_prices's left-boundary tests, the skip spans, _before's first three
 * tests (those that need no lookup in the lexicon's symbols and codes), _read_token and the
 * first-token test, and returns the numbers that find_prices would go on with. The pure-Python
 * loop in prices.py (_py_find_prices) is the reference: tests compare the two. prices.py uses
 * this module only while its regexes equal the patterns reproduced here.
 *
 * The regexes, with Python's backtracking worked out by hand (greedy quantifiers, first
 * alternative first):
 *   _NUM_RE: \d(?<!\d\d)(?:\d{0,2}(?:(?P<sep>[ ,.\u00a0\u202f])\d{3})+(?:[.,]\d{1,2})?(?!\d)
 *                         |\d{0,6}(?:[.,]\d{1,2})?)(?!\d)
 *   (\d = Py_UNICODE_ISDECIMAL; _NUM_FAST_RE: [0-9] and two more look-behinds after the first
 *   digit, see number_at).
 *   _TOK_RE: [ \t\u00a0]{0,2}(?P<tok>[^\W\d_]{1,20}(?:[.'’/][^\W\d_]{1,12})?\.?|\d{1,3}|[^\w\s])
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

/* the character at i, or -1 past either end (matches no class) */
static inline Py_UCS4 ch(const Text *t, Py_ssize_t i) {
    return (i >= 0 && i < t->n) ? PyUnicode_READ(t->kind, t->data, i) : (Py_UCS4)-1;
}

static inline int is_dig(Py_UCS4 c, int fast) {
    if (c == (Py_UCS4)-1)
        return 0;
    return fast ? (c >= '0' && c <= '9') : Py_UNICODE_ISDECIMAL(c);
}

static inline int is_sep(Py_UCS4 c) { return c == ' ' || c == ',' || c == '.' || c == 0xA0 || c == 0x202F; }

static inline int is_group_space(Py_UCS4 c) { return c == ' ' || c == 0xA0 || c == 0x202F; }

/* [.,:/\-_'’a-zA-ZÀ-ÖØ-öø-ÿа-яА-ЯёЁ0-9]: _NUM_FAST_RE's first look-behind */
static inline int in_fast_class(Py_UCS4 c) {
    return c == '.' || c == ',' || c == ':' || c == '/' || c == '-' || c == '_' || c == '\'' || c == 0x2019 ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xD6) ||
           (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF) || (c >= 0x430 && c <= 0x44F) ||
           (c >= 0x410 && c <= 0x42F) || c == 0x451 || c == 0x401 || (c >= '0' && c <= '9');
}

static Py_ssize_t dig_run(const Text *t, Py_ssize_t i, Py_ssize_t cap, int fast) {
    Py_ssize_t r = 0;
    while (r < cap && is_dig(ch(t, i + r), fast))
        r++;
    return r;
}

/* the optional decimal tail "(?:[.,]\d{1,2})?" then "(?!\d)" at e, where ch(e) is not a digit:
 * where the match ends (e itself when the tail cannot be taken) */
static Py_ssize_t decimal_end(const Text *t, Py_ssize_t e, int fast) {
    Py_UCS4 c = ch(t, e);
    if (c == '.' || c == ',') {
        Py_ssize_t r = dig_run(t, e + 1, 3, fast);
        if (r == 1)
            return e + 2;
        if (r == 2)
            return e + 3;
    }
    return e; /* three digits or more after the mark: neither tail length ends before a non-digit */
}

/* a match of the number regex starting at p (ch(p) is a digit): 1 with *end and *seppos
 * (-1: the sep group did not take part), 0 when none starts at p */
static int number_at(const Text *t, Py_ssize_t p, int fast, Py_ssize_t *end, Py_ssize_t *seppos) {
    if (fast) {
        if (p >= 1 && in_fast_class(ch(t, p - 1)))
            return 0;
        if (p >= 2 && is_group_space(ch(t, p - 1)) && ch(t, p - 2) >= '0' && ch(t, p - 2) <= '9')
            return 0;
    } else if (p >= 1 && is_dig(ch(t, p - 1), 0)) {
        return 0;
    }
    Py_ssize_t q = p + 1;
    Py_ssize_t d = dig_run(t, q, 7, fast);
    /* first alternative: \d{0,2} must end right before a separator, so only d <= 2 (all of the
     * digits) can start the groups */
    if (d <= 2) {
        Py_ssize_t r = q + d, k = 0;
        while (is_sep(ch(t, r)) && dig_run(t, r + 1, 3, fast) == 3) {
            r += 4;
            k++;
        }
        if (k >= 1) {
            Py_UCS4 c = ch(t, r);
            if (c == '.' || c == ',' || !is_dig(c, fast)) {
                *end = decimal_end(t, r, fast);
                *seppos = r - 4;
                return 1;
            }
            if (k >= 2) { /* one group fewer: ends before the last separator (not a digit) */
                *end = r - 4;
                *seppos = r - 8;
                return 1;
            }
        }
    }
    /* second alternative: \d{0,6} takes every digit (a digit left over fails both the decimal
     * tail and (?!\d)) */
    if (d > 6)
        return 0;
    *end = decimal_end(t, q + d, fast);
    *seppos = -1;
    return 1;
}

static inline int is_letter(Py_UCS4 c) { /* [^\W\d_] */
    return c != (Py_UCS4)-1 && Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c);
}

static Py_ssize_t letter_run(const Text *t, Py_ssize_t i, Py_ssize_t cap) {
    Py_ssize_t r = 0;
    while (r < cap && is_letter(ch(t, i + r)))
        r++;
    return r;
}

/* _read_token: 1 with *tok (new reference, lower case) and *tokend; 0 for no token; -1 error */
static int read_token(PyObject *text, const Text *t, Py_ssize_t pos, PyObject *slash_words, PyObject **tok,
                      Py_ssize_t *tokend) {
    Py_ssize_t w = 0;
    while (w < 2) {
        Py_UCS4 c = ch(t, pos + w);
        if (c != ' ' && c != '\t' && c != 0xA0)
            break;
        w++;
    }
    /* fewer spaces cannot help: the token cannot start with a space */
    Py_ssize_t p2 = pos + w, e;
    Py_UCS4 c = ch(t, p2);
    if (c == (Py_UCS4)-1)
        return 0;
    if (is_letter(c)) {
        e = p2 + letter_run(t, p2, 20);
        Py_UCS4 m = ch(t, e);
        if ((m == '.' || m == '\'' || m == 0x2019 || m == '/') && is_letter(ch(t, e + 1)))
            e = e + 1 + letter_run(t, e + 1, 12);
        if (ch(t, e) == '.')
            e++;
    } else if (Py_UNICODE_ISDECIMAL(c)) {
        e = p2 + dig_run(t, p2, 3, 0);
    } else if (!(Py_UNICODE_ISALNUM(c) || c == '_') && !Py_UNICODE_ISSPACE(c)) {
        e = p2 + 1;
    } else {
        return 0;
    }
    PyObject *sub = PyUnicode_Substring(text, p2, e);
    if (sub == NULL)
        return -1;
    PyObject *low = PyObject_CallMethod(sub, "lower", NULL);
    Py_DECREF(sub);
    if (low == NULL)
        return -1;
    if (!PyUnicode_Check(low)) {
        Py_DECREF(low);
        PyErr_SetString(PyExc_TypeError, "lower() did not return a str");
        return -1;
    }
    Py_ssize_t slash = PyUnicode_FindChar(low, '/', 0, PyUnicode_GET_LENGTH(low), 1);
    if (slash == -2) {
        Py_DECREF(low);
        return -1;
    }
    if (slash > 0) {
        int known = PySet_Contains(slash_words, low);
        if (known < 0) {
            Py_DECREF(low);
            return -1;
        }
        if (!known) { /* "eur/mese": the part before the "/" (its index is in the lower-case text) */
            PyObject *head = PyUnicode_Substring(low, 0, slash);
            Py_DECREF(low);
            if (head == NULL)
                return -1;
            low = head;
            e = p2 + slash;
        }
    }
    *tok = low;
    *tokend = e;
    return 1;
}

/* find_prices's first-token test: 1 when the token may start a currency or unit, -1 error */
static int price_like(PyObject *tok, PyObject *first_after, PyObject *symbol_chars) {
    int r = PySet_Contains(first_after, tok);
    if (r != 0)
        return r;
    Py_ssize_t len = PyUnicode_GET_LENGTH(tok), k = len;
    while (k > 0 && PyUnicode_READ_CHAR(tok, k - 1) == '.')
        k--;
    if (k != len) { /* tok.rstrip(".") */
        PyObject *stripped = PyUnicode_Substring(tok, 0, k);
        if (stripped == NULL)
            return -1;
        r = PySet_Contains(first_after, stripped);
        Py_DECREF(stripped);
        if (r != 0)
            return r;
    }
    if (len == 0)
        return 0; /* (cannot happen: a token is never empty) */
    Py_UCS4 c0 = PyUnicode_READ_CHAR(tok, 0);
    PyObject *first = PyUnicode_FromOrdinal((int)c0);
    if (first == NULL)
        return -1;
    r = PySet_Contains(symbol_chars, first);
    Py_DECREF(first);
    if (r != 0)
        return r;
    return len > 1 && (c0 == 'k' || c0 == 0x43A);
}

/* str(c).lower() in set: 1, 0, or -1 on error */
static int char_lower_in(Py_UCS4 c, PyObject *set) {
    PyObject *one = PyUnicode_FromOrdinal((int)c);
    if (one == NULL)
        return -1;
    PyObject *low = PyObject_CallMethod(one, "lower", NULL);
    Py_DECREF(one);
    if (low == NULL)
        return -1;
    int r = PySet_Contains(set, low);
    Py_DECREF(low);
    return r;
}

static int append_candidate(PyObject *out, PyObject *text, Py_ssize_t s, Py_ssize_t e, Py_ssize_t seppos,
                            PyObject *first) {
    PyObject *sep;
    if (seppos < 0) {
        sep = Py_None;
        Py_INCREF(sep);
    } else {
        sep = PyUnicode_Substring(text, seppos, seppos + 1);
        if (sep == NULL)
            return -1;
    }
    PyObject *item = Py_BuildValue("(nnNO)", s, e, sep, first);
    if (item == NULL)
        return -1;
    int r = PyList_Append(out, item);
    Py_DECREF(item);
    return r;
}

PyDoc_STRVAR(candidates_doc,
             "candidates(text, fast, skip, max_numbers, first_after, symbol_chars, slash_words, symbol_last)\n"
             "-> list or None\n\n"
             "The numbers of ``text`` that find_prices hands on, in order, as (start, end, sep, first):\n"
             "``first`` is the token after the number as (token, end), or None when _before must be\n"
             "asked in Python (a character before the number that may end a currency or code, see\n"
             "_before's first three tests; ``symbol_last``: the lexicon's). ``fast``: use\n"
             "_NUM_FAST_RE instead of _NUM_RE; ``skip``: the sorted skip spans as (int, int) tuples;\n"
             "at most ``max_numbers`` regex matches are looked at. None when ``skip`` holds anything\n"
             "else than pairs of ints (the caller then runs the Python loop).");

static PyObject *candidates(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *text, *skip, *first_after, *symbol_chars, *slash_words, *symbol_last;
    int fast;
    Py_ssize_t max_numbers;
    if (!PyArg_ParseTuple(args, "UpO!nO!O!O!O!", &text, &fast, &PyList_Type, &skip, &max_numbers,
                          &PyFrozenSet_Type, &first_after, &PyFrozenSet_Type, &symbol_chars, &PyFrozenSet_Type,
                          &slash_words, &PyFrozenSet_Type, &symbol_last))
        return NULL;
    Py_ssize_t nskip = PyList_GET_SIZE(skip);
    Py_ssize_t *spans = NULL;
    if (nskip > 0) {
        spans = PyMem_New(Py_ssize_t, 2 * (size_t)nskip);
        if (spans == NULL)
            return PyErr_NoMemory();
        for (Py_ssize_t i = 0; i < nskip; i++) {
            PyObject *sp = PyList_GET_ITEM(skip, i);
            if (!PyTuple_CheckExact(sp) || PyTuple_GET_SIZE(sp) != 2 || !PyLong_CheckExact(PyTuple_GET_ITEM(sp, 0)) ||
                !PyLong_CheckExact(PyTuple_GET_ITEM(sp, 1))) {
                PyMem_Free(spans);
                Py_RETURN_NONE;
            }
            for (int j = 0; j < 2; j++) {
                int overflow;
                long long v = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(sp, j), &overflow);
                if (v == -1 && PyErr_Occurred()) {
                    PyMem_Free(spans);
                    return NULL;
                }
                if (overflow || v > PY_SSIZE_T_MAX || v < -PY_SSIZE_T_MAX) {
                    PyMem_Free(spans);
                    Py_RETURN_NONE;
                }
                spans[2 * i + j] = (Py_ssize_t)v;
            }
        }
    }
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        PyMem_Free(spans);
        return NULL;
    }
    Py_ssize_t p = 0, count = 0, k = 0;
    while (p < t.n) {
        Py_UCS4 c = ch(&t, p);
        Py_ssize_t end, seppos;
        if (!is_dig(c, fast) || !number_at(&t, p, fast, &end, &seppos)) {
            p++;
            continue;
        }
        if (count >= max_numbers)
            break;
        count++;
        Py_ssize_t s0 = p;
        p = end; /* finditer goes on where the match ended */
        if (s0) {
            Py_UCS4 b = ch(&t, s0 - 1);
            if (b == '.' || b == ',' || b == ':' || b == '/' || b == '-' || b == '_' || b == '\'' || b == 0x2019 ||
                (b >= '0' && b <= '9') || Py_UNICODE_ISALPHA(b))
                continue;
            if (s0 > 1 && is_group_space(b) && ch(&t, s0 - 2) >= '0' && ch(&t, s0 - 2) <= '9')
                continue;
        }
        if (nskip) { /* as find_prices: the next three spans that do not end before the number */
            while (k < nskip && spans[2 * k + 1] <= s0)
                k++;
            int inside = 0;
            for (Py_ssize_t i = k; i < k + 3 && i < nskip; i++) {
                if (spans[2 * i] <= s0 && s0 < spans[2 * i + 1]) {
                    inside = 1;
                    break;
                }
            }
            if (inside)
                continue;
        }
        if (s0) { /* _before's first test (its fast path), else the next two */
            Py_ssize_t j = s0;
            Py_UCS4 b = ch(&t, j - 1);
            if (b == ' ' || b == 0xA0) {
                j--;
                b = ch(&t, j - 1);
            }
            if (!(j == 0 || Py_UNICODE_ISSPACE(b) ||
                  (Py_UNICODE_ISALPHA(b) && !Py_UNICODE_ISUPPER(b) && b != 0x142 && b != 0x440))) {
                /* _before's next two tests: no symbol ends in b (b.lower() not in symbol_last)
                 * and b is not alphanumeric (a code ends in a letter) also give (start, None):
                 * most numbers here follow "," "." ":" "(" "-" */
                int ask = 1;
                if (!Py_UNICODE_ISALNUM(b)) {
                    int r = char_lower_in(b, symbol_last);
                    if (r < 0)
                        goto error;
                    ask = r;
                }
                if (ask) {
                    if (append_candidate(out, text, s0, end, seppos, Py_None) < 0)
                        goto error;
                    continue;
                }
            }
        }
        PyObject *tok;
        Py_ssize_t tokend;
        int r = read_token(text, &t, end, slash_words, &tok, &tokend);
        if (r < 0)
            goto error;
        if (r == 0)
            continue;
        int like = price_like(tok, first_after, symbol_chars);
        if (like <= 0) {
            Py_DECREF(tok);
            if (like < 0)
                goto error;
            continue;
        }
        PyObject *first = Py_BuildValue("(Nn)", tok, tokend);
        if (first == NULL)
            goto error;
        r = append_candidate(out, text, s0, end, seppos, first);
        Py_DECREF(first);
        if (r < 0)
            goto error;
    }
    PyMem_Free(spans);
    return out;
error:
    PyMem_Free(spans);
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"candidates", candidates, METH_VARARGS, candidates_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cprice", "find_prices's number scan in C (see prices.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__cprice(void) { return PyModule_Create(&module); }
