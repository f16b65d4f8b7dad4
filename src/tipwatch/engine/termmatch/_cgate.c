/* The term matcher's gate index, compiled: which white-space tokens of a batch are new, and
 * which texts hold tokens with given flags.
 *
 * The same contract as tipwatch.engine.termmatch._gate.PyGate (the pure-Python version, which is
 * the reference: tests compare the two on the same batches). A batch is the UTF-8 bytes of its
 * texts joined by the byte 0x1E; a token is a maximal run of bytes other than space, line feed
 * and 0x1E, with ASCII upper-case letters lower-cased. Every token ever scanned is remembered with
 * a byte of flags (nothing at first; the matcher sets them once it has learnt the token), so a
 * batch of known tokens costs one pass over its bytes and no Python object per token.
 *
 * Hashing uses the interpreter's keyed hash of bytes (SipHash, randomised per process unless
 * PYTHONHASHSEED is set), so crafted tokens cannot make the table degenerate.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define SEP 0x1E

#define INLINE 14 /* tokens this long or shorter are compared without touching their bytes object */

typedef struct {
    PyObject *key; /* bytes, lower-cased token */
    unsigned char bits;
    unsigned char len; /* the token's length when at most INLINE (then in inl), else 255 */
    char inl[INLINE];
} Entry;

typedef struct {
    uint32_t tag;  /* the hash's high bits: most mismatches are told here, without the entry */
    int32_t entry; /* -1: empty */
} Slot;

typedef struct {
    PyObject_HEAD
    Entry *entries;
    Py_hash_t *hashes; /* entries' hashes, apart: only a growing table reads them */
    Py_ssize_t n, cap;
    Slot *table;
    size_t mask;       /* table size - 1 (a power of two) */
    /* the last batch: one (entry, text) pair per token occurrence */
    Py_ssize_t *occ_entry;
    Py_ssize_t *occ_text;
    Py_ssize_t nocc, occ_cap;
    Py_ssize_t ntexts;
    char *buf;
    Py_ssize_t buf_cap;
} Gate;

static Py_hash_t
hash_bytes(const char *p, Py_ssize_t n)
{
#if PY_VERSION_HEX >= 0x030E0000
    return Py_HashBuffer(p, n);
#else
    return _Py_HashBytes(p, n);
#endif
}

#define TAG(h) ((uint32_t)((uint64_t)(h) >> 32))

static int
table_init(Gate *self, size_t size)
{
    Slot *t = PyMem_Malloc(size * sizeof(Slot));
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(t, 0xff, size * sizeof(Slot)); /* all -1 */
    PyMem_Free(self->table);
    self->table = t;
    self->mask = size - 1;
    return 0;
}

static int
table_grow(Gate *self)
{
    Slot *old = self->table;
    size_t oldsize = self->mask + 1;
    self->table = NULL; /* table_init frees it otherwise */
    if (table_init(self, oldsize * 2) < 0) {
        self->table = old;
        self->mask = oldsize - 1;
        return -1;
    }
    for (size_t k = 0; k < oldsize; k++) {
        if (old[k].entry < 0)
            continue;
        Py_hash_t h = self->hashes[old[k].entry];
        size_t j = (size_t)h & self->mask;
        while (self->table[j].entry >= 0)
            j = (j + 1) & self->mask;
        self->table[j] = old[k];
    }
    PyMem_Free(old);
    return 0;
}

/* entry index of the token, or -1 (and *slot: where it would go) */
static Py_ssize_t
lookup(Gate *self, const char *p, Py_ssize_t n, Py_hash_t h, size_t *slot)
{
    size_t j = (size_t)h & self->mask;
    uint32_t tag = TAG(h);
    for (;;) {
        Slot sl = self->table[j];
        if (sl.entry < 0) {
            *slot = j;
            return -1;
        }
        if (sl.tag == tag) {
            Entry *en = &self->entries[sl.entry];
            if (n <= INLINE) {
                if (en->len == n && memcmp(en->inl, p, n) == 0)
                    return sl.entry;
            }
            else if (en->len == 255 && PyBytes_GET_SIZE(en->key) == n &&
                     memcmp(PyBytes_AS_STRING(en->key), p, n) == 0)
                return sl.entry;
        }
        j = (j + 1) & self->mask;
    }
}

/* add a token known absent (slot from lookup); returns its entry index, or -1 on error */
static Py_ssize_t
insert(Gate *self, const char *p, Py_ssize_t n, Py_hash_t h, size_t slot, PyObject **key_out)
{
    if (self->n == self->cap) {
        Py_ssize_t cap = self->cap ? self->cap * 2 : 1024;
        if (cap > INT32_MAX) {
            PyErr_SetString(PyExc_MemoryError, "gate: too many tokens");
            return -1;
        }
        Entry *e = PyMem_Realloc(self->entries, cap * sizeof(Entry));
        if (e == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->entries = e;
        Py_hash_t *hs = PyMem_Realloc(self->hashes, cap * sizeof(Py_hash_t));
        if (hs == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->hashes = hs;
        self->cap = cap;
    }
    PyObject *key = PyBytes_FromStringAndSize(p, n);
    if (key == NULL)
        return -1;
    Py_ssize_t idx = self->n++;
    Entry *en = &self->entries[idx];
    en->key = key;
    en->bits = 0;
    if (n <= INLINE) {
        en->len = (unsigned char)n;
        memcpy(en->inl, p, n);
    }
    else
        en->len = 255;
    self->hashes[idx] = h;
    self->table[slot].tag = TAG(h);
    self->table[slot].entry = (int32_t)idx;
    if ((size_t)self->n * 2 > self->mask + 1) {
        if (table_grow(self) < 0) { /* the old table is still in place: undo the insertion */
            self->table[slot].entry = -1;
            self->n--;
            Py_DECREF(key);
            return -1;
        }
    }
    if (key_out)
        *key_out = key;
    return idx;
}

static void
clear_entries(Gate *self)
{
    for (Py_ssize_t i = 0; i < self->n; i++)
        Py_DECREF(self->entries[i].key);
    self->n = 0;
    self->nocc = 0;
    self->ntexts = 0;
    if (self->table)
        memset(self->table, 0xff, (self->mask + 1) * sizeof(Slot));
}

static PyObject *
Gate_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "", kwlist))
        return NULL;
    Gate *self = (Gate *)type->tp_alloc(type, 0); /* zeroed */
    if (self == NULL)
        return NULL;
    if (table_init(self, 4096) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void
Gate_dealloc(Gate *self)
{
    clear_entries(self);
    PyMem_Free(self->entries);
    PyMem_Free(self->hashes);
    PyMem_Free(self->table);
    PyMem_Free(self->occ_entry);
    PyMem_Free(self->occ_text);
    PyMem_Free(self->buf);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
push_occ(Gate *self, Py_ssize_t entry, Py_ssize_t text)
{
    if (self->nocc == self->occ_cap) {
        Py_ssize_t cap = self->occ_cap ? self->occ_cap * 2 : 4096;
        Py_ssize_t *a = PyMem_Realloc(self->occ_entry, cap * sizeof(Py_ssize_t));
        if (a == NULL)
            goto nomem;
        self->occ_entry = a;
        a = PyMem_Realloc(self->occ_text, cap * sizeof(Py_ssize_t));
        if (a == NULL)
            goto nomem;
        self->occ_text = a;
        self->occ_cap = cap;
    }
    self->occ_entry[self->nocc] = entry;
    self->occ_text[self->nocc] = text;
    self->nocc++;
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

PyDoc_STRVAR(scan_doc,
             "scan(raw, ntexts) -> set of new tokens\n\n"
             "Read a batch (``ntexts`` texts joined by 0x1E, as UTF-8): remember its token\n"
             "occurrences for bits/texts/counts/tokens, and return the tokens never seen before\n"
             "(now known, with no flags).");

static PyObject *
Gate_scan(Gate *self, PyObject *args)
{
    PyObject *raw;
    Py_ssize_t ntexts;
    if (!PyArg_ParseTuple(args, "O!n:scan", &PyBytes_Type, &raw, &ntexts))
        return NULL;
    const char *s = PyBytes_AS_STRING(raw);
    Py_ssize_t n = PyBytes_GET_SIZE(raw);
    self->nocc = 0;
    self->ntexts = 0;
    PyObject *fresh = PySet_New(NULL);
    if (fresh == NULL)
        return NULL;
    Py_ssize_t text = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n') {
            i++;
            continue;
        }
        if (c == SEP) {
            text++;
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n && (c = (unsigned char)s[j]) != ' ' && c != '\n' && c != SEP)
            j++;
        Py_ssize_t len = j - i;
        if (len > self->buf_cap) {
            Py_ssize_t cap = len < 256 ? 256 : len * 2;
            char *b = PyMem_Realloc(self->buf, cap);
            if (b == NULL) {
                PyErr_NoMemory();
                goto error;
            }
            self->buf = b;
            self->buf_cap = cap;
        }
        char *b = self->buf;
        for (Py_ssize_t k = 0; k < len; k++) {
            unsigned char ch = (unsigned char)s[i + k];
            b[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : (char)ch;
        }
        Py_hash_t h = hash_bytes(b, len);
        size_t slot;
        Py_ssize_t e = lookup(self, b, len, h, &slot);
        if (e < 0) {
            PyObject *key = NULL;
            e = insert(self, b, len, h, slot, &key);
            if (e < 0 || PySet_Add(fresh, key) < 0)
                goto error;
        }
        if (push_occ(self, e, text) < 0)
            goto error;
        i = j;
    }
    if (text + 1 != ntexts) {
        PyErr_Format(PyExc_ValueError, "scan: the batch holds %zd texts, not %zd", text + 1, ntexts);
        goto error;
    }
    self->ntexts = ntexts;
    return fresh;
error:
    self->nocc = 0;
    Py_DECREF(fresh);
    return NULL;
}

static PyObject *
Gate_bits(Gate *self, PyObject *Py_UNUSED(ignored))
{
    unsigned int out = 0;
    for (Py_ssize_t k = 0; k < self->nocc; k++)
        out |= self->entries[self->occ_entry[k]].bits;
    return PyLong_FromUnsignedLong(out);
}

static int
parse_mask(PyObject *arg, unsigned char *mask)
{
    long m = PyLong_AsLong(arg);
    if (m == -1 && PyErr_Occurred())
        return -1;
    if (m < 0 || m > 255) {
        PyErr_SetString(PyExc_ValueError, "flags are one byte");
        return -1;
    }
    *mask = (unsigned char)m;
    return 0;
}

static PyObject *
Gate_texts(Gate *self, PyObject *arg)
{
    unsigned char mask;
    if (parse_mask(arg, &mask) < 0)
        return NULL;
    char *seen = PyMem_Calloc(self->ntexts ? self->ntexts : 1, 1);
    if (seen == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < self->nocc; k++)
        if (self->entries[self->occ_entry[k]].bits & mask)
            seen[self->occ_text[k]] = 1;
    PyObject *out = PyList_New(0);
    for (Py_ssize_t t = 0; out != NULL && t < self->ntexts; t++) {
        if (!seen[t])
            continue;
        PyObject *v = PyLong_FromSsize_t(t);
        if (v == NULL || PyList_Append(out, v) < 0)
            Py_CLEAR(out);
        Py_XDECREF(v);
    }
    PyMem_Free(seen);
    return out;
}

static PyObject *
Gate_counts(Gate *self, PyObject *arg)
{
    unsigned char mask;
    if (parse_mask(arg, &mask) < 0)
        return NULL;
    Py_ssize_t *count = PyMem_Calloc(self->ntexts ? self->ntexts : 1, sizeof(Py_ssize_t));
    if (count == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < self->nocc; k++)
        if (self->entries[self->occ_entry[k]].bits & mask)
            count[self->occ_text[k]]++;
    PyObject *out = PyDict_New();
    for (Py_ssize_t t = 0; out != NULL && t < self->ntexts; t++) {
        if (!count[t])
            continue;
        PyObject *k = PyLong_FromSsize_t(t), *v = PyLong_FromSsize_t(count[t]);
        if (k == NULL || v == NULL || PyDict_SetItem(out, k, v) < 0)
            Py_CLEAR(out);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    PyMem_Free(count);
    return out;
}

static PyObject *
Gate_tokens(Gate *self, PyObject *arg)
{
    unsigned char mask;
    if (parse_mask(arg, &mask) < 0)
        return NULL;
    PyObject *out = PySet_New(NULL);
    for (Py_ssize_t k = 0; out != NULL && k < self->nocc; k++) {
        Entry *en = &self->entries[self->occ_entry[k]];
        if ((en->bits & mask) && PySet_Add(out, en->key) < 0)
            Py_CLEAR(out);
    }
    return out;
}

static PyObject *
Gate_runs(Gate *self, PyObject *args)
{
    PyObject *bits;
    unsigned char mask;
    Py_ssize_t least;
    if (!PyArg_ParseTuple(args, "On:runs", &bits, &least) || parse_mask(bits, &mask) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    Py_ssize_t run = 0, last = -1; /* the current run's length, and the last text listed */
    for (Py_ssize_t k = 0; out != NULL && k < self->nocc; k++) {
        Py_ssize_t t = self->occ_text[k];
        if (k && self->occ_text[k - 1] != t)
            run = 0; /* a run never crosses from one text into the next */
        if (!(self->entries[self->occ_entry[k]].bits & mask)) {
            run = 0;
            continue;
        }
        if (++run >= least && t != last) {
            PyObject *v = PyLong_FromSsize_t(t);
            if (v == NULL || PyList_Append(out, v) < 0)
                Py_CLEAR(out);
            Py_XDECREF(v);
            last = t;
        }
    }
    return out;
}

/* the entry of a bytes key (added, with no flags, when ``add`` and absent), or -1 */
static Py_ssize_t
entry_of(Gate *self, PyObject *key, int add)
{
    if (!PyBytes_Check(key)) {
        PyErr_SetString(PyExc_TypeError, "tokens are bytes");
        return -2;
    }
    const char *p = PyBytes_AS_STRING(key);
    Py_ssize_t n = PyBytes_GET_SIZE(key);
    Py_hash_t h = hash_bytes(p, n);
    size_t slot;
    Py_ssize_t e = lookup(self, p, n, h, &slot);
    if (e < 0 && add) {
        e = insert(self, p, n, h, slot, NULL);
        if (e < 0)
            return -2;
    }
    return e;
}

static PyObject *
Gate_mark(Gate *self, PyObject *args)
{
    PyObject *key, *bits;
    unsigned char mask;
    if (!PyArg_ParseTuple(args, "OO:mark", &key, &bits) || parse_mask(bits, &mask) < 0)
        return NULL;
    Py_ssize_t e = entry_of(self, key, 1);
    if (e < 0)
        return NULL;
    self->entries[e].bits |= mask;
    Py_RETURN_NONE;
}

static PyObject *
Gate_unmark(Gate *self, PyObject *args)
{
    PyObject *key, *bits;
    unsigned char mask;
    if (!PyArg_ParseTuple(args, "OO:unmark", &key, &bits) || parse_mask(bits, &mask) < 0)
        return NULL;
    Py_ssize_t e = entry_of(self, key, 0);
    if (e == -2)
        return NULL;
    if (e >= 0)
        self->entries[e].bits &= (unsigned char)~mask;
    Py_RETURN_NONE;
}

static PyObject *
Gate_get(Gate *self, PyObject *key)
{
    Py_ssize_t e = entry_of(self, key, 0);
    if (e == -2)
        return NULL;
    if (e < 0)
        return PyLong_FromLong(-1);
    return PyLong_FromLong(self->entries[e].bits);
}

static PyObject *
Gate_clear(Gate *self, PyObject *Py_UNUSED(ignored))
{
    clear_entries(self);
    Py_RETURN_NONE;
}

static Py_ssize_t
Gate_len(Gate *self)
{
    return self->n;
}

static PyMethodDef Gate_methods[] = {
    {"scan", (PyCFunction)Gate_scan, METH_VARARGS, scan_doc},
    {"bits", (PyCFunction)Gate_bits, METH_NOARGS, "bits() -> OR of the flags of the last batch's tokens"},
    {"texts", (PyCFunction)Gate_texts, METH_O,
     "texts(mask) -> sorted indices of the last batch's texts holding a token with a flag in mask"},
    {"counts", (PyCFunction)Gate_counts, METH_O,
     "counts(mask) -> {text index: occurrences of tokens with a flag in mask}"},
    {"runs", (PyCFunction)Gate_runs, METH_VARARGS,
     "runs(mask, least) -> sorted indices of the texts with at least `least` tokens in a row with a flag in mask"},
    {"tokens", (PyCFunction)Gate_tokens, METH_O, "tokens(mask) -> the last batch's tokens with a flag in mask"},
    {"mark", (PyCFunction)Gate_mark, METH_VARARGS, "mark(token, bits): set flags (the token becomes known)"},
    {"unmark", (PyCFunction)Gate_unmark, METH_VARARGS, "unmark(token, bits): clear flags"},
    {"get", (PyCFunction)Gate_get, METH_O, "get(token) -> its flags, or -1 when unknown"},
    {"clear", (PyCFunction)Gate_clear, METH_NOARGS, "clear(): forget every token"},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods Gate_as_sequence = {
    .sq_length = (lenfunc)Gate_len,
};

static PyTypeObject GateType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tipwatch.engine.termmatch._cgate.Gate",
    .tp_doc = PyDoc_STR("Known tokens with their flags, and the token occurrences of the last batch."),
    .tp_basicsize = sizeof(Gate),
    .tp_itemsize = 0,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Gate_new,
    .tp_dealloc = (destructor)Gate_dealloc,
    .tp_methods = Gate_methods,
    .tp_as_sequence = &Gate_as_sequence,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "tipwatch.engine.termmatch._cgate",
    .m_doc = "The term matcher's gate index, compiled (see _gate.PyGate for the reference).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__cgate(void)
{
    if (PyType_Ready(&GateType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&GateType);
    if (PyModule_AddObject(m, "Gate", (PyObject *)&GateType) < 0) {
        Py_DECREF(&GateType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
