/* Viterbi decoding for the entity tagger's linear-chain CRF, over a batch of sentences.
 *
 * The numpy version in tagger.py costs a handful of numpy calls per token position (about a fifth of the
 * entity stage); this loop does the same arithmetic in the same order, so both give the same paths, ties
 * included (the first best label wins, as with numpy's argmax). Optional: tagger.py falls back to numpy
 * when this extension was not built.
 *
 * viterbi(emissions, lengths, transitions, out)
 *   emissions    float64, C-contiguous (sum(lengths) x L): state scores of all sentences, one after another
 *   lengths      int64 (count): tokens per sentence
 *   transitions  float64 (L x L): transitions[prev][cur]
 *   out          int64, writable (sum(lengths)): the best label index of each token
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

static int decode(const double *em, const int64_t *lengths, Py_ssize_t count, const double *trans,
                  Py_ssize_t labels, int64_t *out) {
    int64_t longest = 0;
    for (Py_ssize_t s = 0; s < count; s++)
        if (lengths[s] > longest) longest = lengths[s];
    if (longest == 0) return 0;
    double *score = malloc(sizeof(double) * labels * 2);
    int64_t *back = malloc(sizeof(int64_t) * labels * longest);
    if (!score || !back) {
        free(score);
        free(back);
        return -1;
    }
    double *next = score + labels;
    const double *e = em;
    int64_t *o = out;
    for (Py_ssize_t s = 0; s < count; s++) {
        int64_t n = lengths[s];
        if (n <= 0) continue;
        for (Py_ssize_t k = 0; k < labels; k++) score[k] = e[k];
        for (int64_t i = 1; i < n; i++) {
            const double *ei = e + i * labels;
            int64_t *bi = back + i * labels;
            for (Py_ssize_t cur = 0; cur < labels; cur++) {
                double best = score[0] + trans[cur];
                int64_t arg = 0;
                for (Py_ssize_t prev = 1; prev < labels; prev++) {
                    double v = score[prev] + trans[prev * labels + cur];
                    if (v > best) {
                        best = v;
                        arg = prev;
                    }
                }
                next[cur] = best + ei[cur];
                bi[cur] = arg;
            }
            double *t = score;
            score = next;
            next = t;
        }
        int64_t cur = 0;
        for (Py_ssize_t k = 1; k < labels; k++)
            if (score[k] > score[cur]) cur = k;
        for (int64_t i = n - 1; i > 0; i--) {
            o[i] = cur;
            cur = back[i * labels + cur];
        }
        o[0] = cur;
        e += n * labels;
        o += n;
    }
    free(score < next ? score : next);
    free(back);
    return 0;
}

static PyObject *viterbi(PyObject *self, PyObject *args) {
    Py_buffer em, lengths, trans, out;
    if (!PyArg_ParseTuple(args, "y*y*y*w*", &em, &lengths, &trans, &out)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = lengths.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t labels = 0;
    while ((labels + 1) * (labels + 1) * (Py_ssize_t)sizeof(double) <= trans.len) labels++;
    int64_t total = 0;
    for (Py_ssize_t s = 0; s < count; s++) total += ((const int64_t *)lengths.buf)[s];
    if (labels * labels * (Py_ssize_t)sizeof(double) != trans.len) {
        PyErr_SetString(PyExc_ValueError, "transitions must be a square float64 matrix");
    } else if (total * labels * (Py_ssize_t)sizeof(double) != em.len) {
        PyErr_SetString(PyExc_ValueError, "emissions must be float64, sum(lengths) x labels");
    } else if (total * (Py_ssize_t)sizeof(int64_t) != out.len) {
        PyErr_SetString(PyExc_ValueError, "out must be int64, sum(lengths) long");
    } else {
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = decode(em.buf, lengths.buf, count, trans.buf, labels, out.buf);
        Py_END_ALLOW_THREADS
        if (rc) PyErr_NoMemory();
        else result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&em);
    PyBuffer_Release(&lengths);
    PyBuffer_Release(&trans);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"viterbi", viterbi, METH_VARARGS, "viterbi(emissions, lengths, transitions, out): best labels, in place."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_viterbi", NULL, -1, methods};

PyMODINIT_FUNC PyInit__viterbi(void) { return PyModule_Create(&module); }
