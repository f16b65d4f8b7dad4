/* The phone scanner's first pass, compiled: digit-ish atoms of a text grouped by the gap rules.
 *
 * Scanner(words, joiners, max_tokens, max_run_atoms).groups(low, pos, limit) returns the groups
 * that _phone_scan._py_groups yields (the pure-Python reference: tests/engine/
 * test_native_extract.py compares both): lists of (start, end, text, is_joiner) atoms, only
 * groups that span 7 characters or more and whose atoms hold 7 or more; at most limit of them
 * per call (the caller stops after max_runs runs: hostile text makes no more objects than that),
 * with the offset where the next call goes on.
 *
 * An atom is what the lexicon's regex (_phone_lexicon.py) matches:
 *   (?<![^\W_])(?:(?P<j>JOINERS)|(?:[0-9]|WORDS){1,max_tokens}+)(?![^\W_])
 * with JOINERS / WORDS tries of the words. [^\W_] is a character that str.isalnum() accepts
 * (Py_UNICODE_ISALNUM: the regex engine's own test). How re runs it, and so what this code does:
 *  - the alternatives of a trie are tried longest word first (greedy optionals), and nothing
 *    after a token inside the possessive repeat can fail, so each repetition takes the longest
 *    token at its position ([0-9] first: one digit) and the repeat stops at the first position
 *    where no token starts, or after max_tokens tokens; being possessive it never gives back a
 *    token, so if the look-ahead then fails there is no atom at this start;
 *  - the joiner alternative is tried first, and its trie gives back characters: the longest
 *    joiner that starts here and ends before a non-alphanumeric character (or the end) wins;
 *  - finditer goes on at the end of an atom, or one character further when none starts here.
 * Every step is bounded (max_tokens tokens of at most the longest word), so the pass is linear.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* strings are always "ready" since 3.12 (PyUnicode_READY is a deprecated no-op, gone later) */
#if PY_VERSION_HEX >= 0x030C0000
#define READY(o) ((void)(o), 0)
#else
#define READY(o) PyUnicode_READY(o)
#endif
#include <stdint.h>

#define ROOT_DIRECT 0x800

typedef struct {
    Py_UCS4 ch;
    int32_t child;   /* first child node, -1: none */
    int32_t sibling; /* next node with the same parent, -1: none */
    int32_t end;     /* 1 when a word ends here */
} Node;

typedef struct {
    Node *nodes; /* nodes[0] is the root */
    Py_ssize_t n, cap;
    /* the root's children by character below ROOT_DIRECT (-1: none): Latin, Greek and Cyrillic
     * words start without a walk along the root's long list of children */
    int32_t root_child[ROOT_DIRECT];
} Trie;

typedef struct {
    PyObject_HEAD
    Trie words;
    Trie joiners;
    Py_ssize_t max_tokens;
    Py_ssize_t max_run_atoms;
} Scanner;

static int32_t
trie_new_node(Trie *t, Py_UCS4 ch)
{
    if (t->n >= INT32_MAX)
        goto nomem;
    if (t->n == t->cap) {
        Py_ssize_t cap = t->cap ? t->cap * 2 : 64;
        Node *nodes = PyMem_Realloc(t->nodes, (size_t)cap * sizeof(Node));
        if (nodes == NULL)
            goto nomem;
        t->nodes = nodes;
        t->cap = cap;
    }
    Node *nd = &t->nodes[t->n];
    nd->ch = ch;
    nd->child = nd->sibling = -1;
    nd->end = 0;
    return (int32_t)t->n++;
nomem:
    PyErr_NoMemory();
    return -1;
}

static int
trie_init(Trie *t)
{
    t->nodes = NULL;
    t->n = t->cap = 0;
    for (int i = 0; i < ROOT_DIRECT; i++)
        t->root_child[i] = -1;
    return trie_new_node(t, 0) < 0 ? -1 : 0;
}

static inline int32_t
trie_child(const Trie *t, int32_t node, Py_UCS4 ch)
{
    if (node == 0 && ch < ROOT_DIRECT)
        return t->root_child[ch];
    for (int32_t c = t->nodes[node].child; c >= 0; c = t->nodes[c].sibling)
        if (t->nodes[c].ch == ch)
            return c;
    return -1;
}

static int
trie_add(Trie *t, PyObject *word)
{
    if (!PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "words must be str");
        return -1;
    }
    if (READY(word) < 0)
        return -1;
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    if (len == 0) {
        PyErr_SetString(PyExc_ValueError, "an empty word");
        return -1;
    }
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    int32_t node = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int32_t next = trie_child(t, node, ch);
        if (next < 0) {
            next = trie_new_node(t, ch); /* may move t->nodes: index again below */
            if (next < 0)
                return -1;
            t->nodes[next].sibling = t->nodes[node].child;
            t->nodes[node].child = next;
            if (node == 0 && ch < ROOT_DIRECT)
                t->root_child[ch] = next;
        }
        node = next;
    }
    t->nodes[node].end = 1;
    return 0;
}

static int
trie_fill(Trie *t, PyObject *words)
{
    if (trie_init(t) < 0)
        return -1;
    PyObject *it = PyObject_GetIter(words);
    if (it == NULL)
        return -1;
    PyObject *w;
    while ((w = PyIter_Next(it)) != NULL) {
        int rc = trie_add(t, w);
        Py_DECREF(w);
        if (rc < 0) {
            Py_DECREF(it);
            return -1;
        }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

#define CH(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

static inline int
is_alnum(Py_UCS4 c)
{
    if (c < 128)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    return Py_UNICODE_ISALNUM(c);
}

/* (?![^\W_]) at i */
static inline int
boundary_after(const Text *t, Py_ssize_t i)
{
    return i >= t->n || !is_alnum(CH(t, i));
}

/* the longest word of trie starting at i: its end, or -1 when none; with need_boundary, only
 * words followed by a non-alphanumeric character (or the end) count */
static Py_ssize_t
longest(const Trie *trie, const Text *t, Py_ssize_t i, int need_boundary)
{
    Py_ssize_t best = -1;
    int32_t node = 0;
    for (Py_ssize_t k = i; k < t->n; k++) {
        node = trie_child(trie, node, CH(t, k));
        if (node < 0)
            break;
        if (trie->nodes[node].end && (!need_boundary || boundary_after(t, k + 1)))
            best = k + 1;
    }
    return best;
}

/* the atom starting at p (the look-behind already holds): its end, or -1; *joiner set */
static Py_ssize_t
atom_at(const Scanner *self, const Text *t, Py_ssize_t p, int *joiner)
{
    Py_ssize_t e = longest(&self->joiners, t, p, 1);
    if (e >= 0) {
        *joiner = 1;
        return e;
    }
    *joiner = 0;
    Py_ssize_t q = p;
    for (Py_ssize_t k = 0; k < self->max_tokens && q < t->n; k++) {
        Py_UCS4 c = CH(t, q);
        if (c >= '0' && c <= '9') {
            q++;
            continue;
        }
        Py_ssize_t end = longest(&self->words, t, q, 0);
        if (end < 0)
            break;
        q = end;
    }
    if (q == p || !boundary_after(t, q))
        return -1;
    return q;
}

enum { SPLIT = 0, JOIN = 1, WORDS_ONLY = 2 };

/* _phone_scan._gap_kind of t[a:b] (0 < b - a <= 5) */
static int
gap_kind(const Text *t, Py_ssize_t a, Py_ssize_t b)
{
    /* _BREAK: r"\. | [|/•·] " anywhere in the gap */
    for (Py_ssize_t i = a; i + 1 < b; i++) {
        Py_UCS4 c = CH(t, i), d = CH(t, i + 1);
        if (c == '.' && d == ' ')
            return SPLIT;
        if (c == ' ' && i + 2 < b && CH(t, i + 2) == ' ' &&
            (d == '|' || d == '/' || d == 0x2022 || d == 0x00B7))
            return SPLIT;
    }
    /* _GAP: (?:[^\w\n,;:+$€£¥₽%!?&@<>]|_){1,5}, the whole gap */
    int gap = b > a;
    for (Py_ssize_t i = a; gap && i < b; i++) {
        Py_UCS4 c = CH(t, i);
        if (c == '_')
            continue;
        if (is_alnum(c))
            gap = 0;
        else
            switch (c) {
            case '\n': case ',': case ';': case ':': case '+': case '$': case 0x20AC: /* € */
            case 0x00A3: /* £ */ case 0x00A5: /* ¥ */ case 0x20BD: /* ₽ */
            case '%': case '!': case '?': case '&': case '@': case '<': case '>':
                gap = 0;
            }
    }
    if (gap)
        return JOIN;
    /* _WORD_GAP: " ?, ?", the whole gap */
    Py_ssize_t i = a;
    if (i < b && CH(t, i) == ' ')
        i++;
    if (i < b && CH(t, i) == ',') {
        i++;
        if (i < b && CH(t, i) == ' ')
            i++;
        if (i == b)
            return WORDS_ONLY;
    }
    return SPLIT;
}

typedef struct {
    Py_ssize_t s, e;
    int j;
} Span;

/* append the group's atoms as a list of (start, end, text, is_joiner) to out */
static int
emit(PyObject *out, PyObject *low, const Span *g, Py_ssize_t ng)
{
    PyObject *lst = PyList_New(ng);
    if (lst == NULL)
        return -1;
    for (Py_ssize_t k = 0; k < ng; k++) {
        PyObject *text = PyUnicode_Substring(low, g[k].s, g[k].e);
        if (text == NULL)
            goto fail;
        PyObject *tup = Py_BuildValue("(nnNO)", g[k].s, g[k].e, text, g[k].j ? Py_True : Py_False);
        if (tup == NULL)
            goto fail;
        PyList_SET_ITEM(lst, k, tup);
    }
    int rc = PyList_Append(out, lst);
    Py_DECREF(lst);
    return rc;
fail:
    Py_DECREF(lst);
    return -1;
}

PyDoc_STRVAR(groups_doc,
             "groups(low, pos, limit) -> ([[(start, end, text, is_joiner), ...], ...], next)\n\n"
             "The atoms of low from pos on, grouped into would-be runs as _phone_scan._py_groups\n"
             "groups them: at most limit groups, then next is where to go on (the start of the\n"
             "next group's first atom), or -1 at the end of the text.");

static PyObject *
Scanner_groups(Scanner *self, PyObject *args)
{
    PyObject *low;
    Py_ssize_t pos, limit;
    if (!PyArg_ParseTuple(args, "Unn:groups", &low, &pos, &limit))
        return NULL;
    if (pos < 0 || limit < 1) {
        PyErr_SetString(PyExc_ValueError, "groups(): pos must be >= 0 and limit >= 1");
        return NULL;
    }
    if (READY(low) < 0)
        return NULL;
    Text t = {PyUnicode_KIND(low), PyUnicode_DATA(low), PyUnicode_GET_LENGTH(low)};
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    /* the current group: at most max_run_atoms atoms */
    Span *g = PyMem_Malloc((size_t)self->max_run_atoms * sizeof(Span));
    if (g == NULL) {
        Py_DECREF(out);
        return PyErr_NoMemory();
    }
    Py_ssize_t ng = 0, first = 0, chars = 0, prev_end = -1, emitted = 0, next = -1;
    /* (a group never spans calls: one that goes on at pos starts afresh, as the caller's groups
     * did, since a call returns right after the group before it was closed) */
    Py_ssize_t p = pos;
    while (p < t.n) {
        if (p > 0 && is_alnum(CH(&t, p - 1))) { /* (?<![^\W_]) */
            p++;
            continue;
        }
        int j;
        Py_ssize_t e = atom_at(self, &t, p, &j);
        if (e < 0) {
            p++;
            continue;
        }
        Py_ssize_t s = p;
        p = e;
        if (ng > 0) {
            int split = s - prev_end > 5 || ng >= self->max_run_atoms;
            if (!split) {
                int kind = gap_kind(&t, prev_end, s);
                split = kind == SPLIT ||
                        (kind == WORDS_ONLY &&
                         (Py_UNICODE_ISDIGIT(CH(&t, s)) || Py_UNICODE_ISDIGIT(CH(&t, prev_end - 1))));
            }
            if (split) {
                if (prev_end - first >= 7 && chars >= 7) {
                    if (emit(out, low, g, ng) < 0)
                        goto fail;
                    if (++emitted >= limit) { /* go on from this atom next time */
                        next = s;
                        ng = 0;
                        break;
                    }
                }
                ng = 0;
            }
        }
        if (ng == 0) {
            first = s;
            chars = 0;
        }
        g[ng].s = s;
        g[ng].e = e;
        g[ng].j = j;
        ng++;
        chars += e - s;
        prev_end = e;
    }
    if (ng > 0 && prev_end - first >= 7 && chars >= 7 && emit(out, low, g, ng) < 0)
        goto fail;
    PyMem_Free(g);
    return Py_BuildValue("(Nn)", out, next);
fail:
    PyMem_Free(g);
    Py_DECREF(out);
    return NULL;
}

static void
Scanner_dealloc(Scanner *self)
{
    PyMem_Free(self->words.nodes);
    PyMem_Free(self->joiners.nodes);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Scanner_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"words", "joiners", "max_tokens", "max_run_atoms", NULL};
    PyObject *words, *joiners;
    Py_ssize_t max_tokens, max_run_atoms;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOnn", kwlist, &words, &joiners, &max_tokens,
                                     &max_run_atoms))
        return NULL;
    if (max_tokens < 1 || max_run_atoms < 1 || max_run_atoms > 1000000) {
        PyErr_SetString(PyExc_ValueError, "max_tokens and max_run_atoms must be positive");
        return NULL;
    }
    Scanner *self = (Scanner *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    /* tp_alloc zeroes the object: the tries' node arrays are NULL, freeing them is safe */
    self->max_tokens = max_tokens;
    self->max_run_atoms = max_run_atoms;
    if (trie_fill(&self->words, words) < 0 || trie_fill(&self->joiners, joiners) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static PyMethodDef Scanner_methods[] = {
    {"groups", (PyCFunction)Scanner_groups, METH_VARARGS, groups_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tipwatch.engine.extract._cphone.Scanner",
    .tp_doc = PyDoc_STR("Scanner(words, joiners, max_tokens, max_run_atoms): a phone lexicon's "
                        "atom finder and run grouper."),
    .tp_basicsize = sizeof(Scanner),
    .tp_itemsize = 0,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Scanner_new,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "tipwatch.engine.extract._cphone",
    .m_doc = "The phone scanner's atom pass, compiled (see _phone_scan._py_groups for the reference).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__cphone(void)
{
    if (PyType_Ready(&ScannerType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
