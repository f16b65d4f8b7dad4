/* py3langid's naive Bayes language model, scored in C (see language._Model for the reference).
 *
 * The tokenizer is an Aho-Corasick automaton over byte n-grams: walking a text's bytes from the
 * start state, transition p = base + byte; step[p] is the row base of the state it reaches and
 * feature[p] the feature that state outputs (or -1). The numpy reference recomputes each state
 * from the last `depth` bytes (six gathers per byte, vectorised); the walk here reaches the same
 * states with one step per byte.
 *
 * Scores: for each language L, sum over the text's distinct features f of log1p(count_f) *
 * ptc[f][L], plus pc[L]. The reference computes this in float32 with numpy (BLAS); here it is
 * computed in double, and when the two best scores are closer than a bound on float32's rounding
 * error the text is answered -1 ("ask the reference"), so the chosen language is always the one
 * the reference would choose.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define GROUP 16 /* texts walked together */

static int
get_buffer(PyObject *obj, Py_buffer *view, const char *format, Py_ssize_t itemsize, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    const char *f = view->format ? view->format : "";
    if (*f == '@' || *f == '=' || (PY_LITTLE_ENDIAN && *f == '<')) /* the machine's byte order */
        f++;
    if (view->itemsize != itemsize || strcmp(f, format) != 0) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous array of '%s'", what, format);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(classify_doc,
             "classify(texts, step, feature, start, ptc, pc) -> list[int]\n\n"
             "The index of the best-scoring class for each text (UTF-8 bytes), or -1 when the\n"
             "text has no feature or its two best scores are within float32 rounding of each\n"
             "other (the caller then asks the numpy reference). step and feature are int32\n"
             "arrays of transitions, ptc a float32 (features x classes) array, pc float32.");

static PyObject *
classify(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *texts, *step_obj, *feature_obj, *ptc_obj, *pc_obj;
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "O!OOnOO:classify", &PyList_Type, &texts, &step_obj, &feature_obj, &start,
                          &ptc_obj, &pc_obj))
        return NULL;
    Py_buffer step = {0}, feature = {0}, ptc = {0}, pc = {0};
    PyObject *out = NULL;
    int32_t *count = NULL;
    int32_t *touched = NULL;
    double *scores = NULL, *mags = NULL;
    if (get_buffer(step_obj, &step, "i", 4, "step") < 0)
        goto done;
    if (get_buffer(feature_obj, &feature, "i", 4, "feature") < 0)
        goto done;
    if (get_buffer(ptc_obj, &ptc, "f", 4, "ptc") < 0)
        goto done;
    if (get_buffer(pc_obj, &pc, "f", 4, "pc") < 0)
        goto done;
    Py_ssize_t ntrans = step.len / 4, nclass = pc.len / 4;
    if (feature.len != step.len || ptc.ndim != 2 || ptc.shape[1] != nclass || nclass == 0 || start < 0 ||
        start + 256 > ntrans) {
        PyErr_SetString(PyExc_ValueError, "classify: the model arrays do not fit together");
        goto done;
    }
    Py_ssize_t nfeat = ptc.shape[0];
    const int32_t *st = step.buf, *ft = feature.buf;
    const float *w = ptc.buf, *prior = pc.buf;
    count = PyMem_Calloc(nfeat ? nfeat : 1, sizeof(int32_t));
    scores = PyMem_Calloc(nclass, sizeof(double));
    mags = PyMem_Calloc(nclass, sizeof(double));
    if (count == NULL || scores == NULL || mags == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t ntexts = PyList_GET_SIZE(texts);
    out = PyList_New(ntexts);
    if (out == NULL)
        goto done;
    Py_ssize_t touched_cap = 0;
    /* texts are walked GROUP at a time in lockstep: each step of a walk waits for a load from
     * a table far bigger than the CPU caches, and independent walks let those loads overlap */
    for (Py_ssize_t t = 0; t < ntexts; t++) {
        if (!PyBytes_Check(PyList_GET_ITEM(texts, t))) {
            PyErr_SetString(PyExc_TypeError, "classify: texts are bytes");
            Py_CLEAR(out);
            goto done;
        }
    }
    for (Py_ssize_t g0 = 0; g0 < ntexts; g0 += GROUP) {
        Py_ssize_t m = ntexts - g0 < GROUP ? ntexts - g0 : GROUP;
        const unsigned char *s[GROUP];
        Py_ssize_t len[GROUP], base[GROUP], nf[GROUP], off[GROUP], total = 0, longest = 0;
        int bad = 0;
        for (Py_ssize_t j = 0; j < m; j++) {
            PyObject *text = PyList_GET_ITEM(texts, g0 + j);
            s[j] = (const unsigned char *)PyBytes_AS_STRING(text);
            len[j] = PyBytes_GET_SIZE(text);
            base[j] = start;
            nf[j] = 0;
            off[j] = total;
            total += len[j];
            if (len[j] > longest)
                longest = len[j];
        }
        if (total > touched_cap) {
            PyMem_Free(touched);
            touched = PyMem_Malloc((total ? total : 1) * sizeof(int32_t));
            if (touched == NULL) {
                PyErr_NoMemory();
                Py_CLEAR(out);
                goto done;
            }
            touched_cap = total;
        }
        for (Py_ssize_t i = 0; i < longest && !bad; i++) {
            for (Py_ssize_t j = 0; j < m; j++) {
                if (i >= len[j])
                    continue;
                Py_ssize_t p = base[j] + s[j][i];
                if (p < 0 || p >= ntrans) {
                    bad = 1;
                    break;
                }
                int32_t f = ft[p];
                if (f >= 0) {
                    if (f >= nfeat) {
                        bad = 1;
                        break;
                    }
                    touched[off[j] + nf[j]++] = f; /* every feature output, in order */
                }
                base[j] = st[p];
            }
        }
        if (bad) {
            PyErr_SetString(PyExc_ValueError, "classify: a transition leaves the model's table");
            Py_CLEAR(out);
            goto done;
        }
        for (Py_ssize_t j = 0; j < m; j++) {
            /* distinct features in place at the front of the text's slice, with their counts */
            int32_t *fs = touched + off[j];
            Py_ssize_t ndistinct = 0;
            for (Py_ssize_t k = 0; k < nf[j]; k++)
                if (count[fs[k]]++ == 0)
                    fs[ndistinct++] = fs[k];
            long answer = -1;
            if (ndistinct) {
                for (Py_ssize_t c = 0; c < nclass; c++)
                    scores[c] = mags[c] = 0.0;
                for (Py_ssize_t k = 0; k < ndistinct; k++) {
                    int32_t f = fs[k];
#if defined(__GNUC__)
                    if (k + 8 < ndistinct) { /* the rows are scattered over megabytes: ask early */
                        const char *ahead = (const char *)(w + (size_t)fs[k + 8] * nclass);
                        __builtin_prefetch(ahead);
                        __builtin_prefetch(ahead + 64);
                    }
#endif
                    double x = log1p((double)count[f]);
                    const float *row = w + (size_t)f * nclass;
                    for (Py_ssize_t c = 0; c < nclass; c++) { /* (vectorised by the compiler) */
                        scores[c] += x * row[c];
                        mags[c] += x * fabsf(row[c]);
                    }
                }
                /* numpy's float32 score of class c is within (terms + 4) units of 2**-24 of the
                 * magnitudes summed (mags[c] + |pc[c]|) of the exact one: log1p, each product
                 * and each addition round once; four times that is the safe margin used here */
                double unit = 4.0 * (double)(ndistinct + 4) * 5.96e-8;
                Py_ssize_t best = -1, second = -1;
                double vbest = -INFINITY, vsecond = -INFINITY;
                for (Py_ssize_t c = 0; c < nclass; c++) {
                    double v = scores[c] + prior[c];
                    mags[c] = unit * (mags[c] + fabs((double)prior[c]));
                    if (best < 0 || v > vbest) {
                        second = best;
                        vsecond = vbest;
                        best = c;
                        vbest = v;
                    }
                    else if (second < 0 || v > vsecond) {
                        second = c;
                        vsecond = v;
                    }
                }
                if (second < 0 || vbest - mags[best] > vsecond + mags[second])
                    answer = (long)best;
            }
            for (Py_ssize_t k = 0; k < ndistinct; k++)
                count[fs[k]] = 0;
            PyObject *v = PyLong_FromLong(answer);
            if (v == NULL) {
                Py_CLEAR(out);
                goto done;
            }
            PyList_SET_ITEM(out, g0 + j, v);
        }
    }
done:
    PyMem_Free(count);
    PyMem_Free(touched);
    PyMem_Free(scores);
    PyMem_Free(mags);
    if (step.obj)
        PyBuffer_Release(&step);
    if (feature.obj)
        PyBuffer_Release(&feature);
    if (ptc.obj)
        PyBuffer_Release(&ptc);
    if (pc.obj)
        PyBuffer_Release(&pc);
    return out;
}

static PyMethodDef methods[] = {
    {"classify", classify, METH_VARARGS, classify_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "tipwatch.engine.extract._clang",
    .m_doc = "py3langid's model scored in C (see language._Model for the numpy reference).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__clang(void)
{
    return PyModule_Create(&module);
}
