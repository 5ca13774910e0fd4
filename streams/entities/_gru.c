/* The neural tagger's bidirectional GRU (neural.py), one direction over a batch of sentences.
 *
 * A recurrence cannot be batched over a sentence's tokens, so numpy runs it a position at a time, about ten
 * calls a step; on news-length articles that was a third of the entity stage. This loop does the same
 * arithmetic in float32 (scores agree with numpy's to about 1e-6). Optional: neural.py falls back to numpy
 * when this extension was not built.
 *
 * gru(inputs, lengths, w_hh, b_hh, reverse, out)
 *   inputs   float32, C-contiguous (sum(lengths) x 3U): every token's input part, x @ W_ih + b_ih, gates r, z, n
 *   lengths  int64 (count): tokens per sentence, the sentences one after another
 *   w_hh     float32 (U x 3U): the state's weights, state @ w_hh
 *   b_hh     float32 (3U)
 *   reverse  int: nonzero runs each sentence from its last token to its first
 *   out      float32, writable (sum(lengths) x U): the state after each token
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int run(const float *x, const int64_t *lengths, Py_ssize_t count, const float *w, const float *b,
               Py_ssize_t units, int reverse, float *out) {
    Py_ssize_t width = 3 * units;
    float *g = malloc(sizeof(float) * width);
    float *h = malloc(sizeof(float) * units);
    if (!g || !h) {
        free(g);
        free(h);
        return -1;
    }
    int64_t start = 0;
    for (Py_ssize_t s = 0; s < count; s++) {
        int64_t n = lengths[s];
        memset(h, 0, sizeof(float) * units);
        for (int64_t step = 0; step < n; step++) {
            int64_t t = start + (reverse ? n - 1 - step : step);
            memcpy(g, b, sizeof(float) * width);
            for (Py_ssize_t i = 0; i < units; i++) {
                float hi = h[i];
                const float *wi = w + i * width;
                for (Py_ssize_t j = 0; j < width; j++) g[j] += hi * wi[j];
            }
            const float *xt = x + t * width;
            float *ot = out + t * units;
            for (Py_ssize_t j = 0; j < units; j++) {
                float r = 1.0f / (1.0f + expf(-(xt[j] + g[j])));
                float z = 1.0f / (1.0f + expf(-(xt[units + j] + g[units + j])));
                float c = tanhf(xt[2 * units + j] + r * g[2 * units + j]);
                h[j] = (1.0f - z) * c + z * h[j];
                ot[j] = h[j];
            }
        }
        start += n;
    }
    free(g);
    free(h);
    return 0;
}

static PyObject *gru(PyObject *self, PyObject *args) {
    Py_buffer x, lengths, w, b, out;
    int reverse;
    if (!PyArg_ParseTuple(args, "y*y*y*y*pw*", &x, &lengths, &w, &b, &reverse, &out)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = lengths.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t units = b.len / (Py_ssize_t)sizeof(float) / 3;
    int64_t total = 0;
    for (Py_ssize_t s = 0; s < count; s++) total += ((const int64_t *)lengths.buf)[s];
    if (units <= 0 || 3 * units * (Py_ssize_t)sizeof(float) != b.len) {
        PyErr_SetString(PyExc_ValueError, "b_hh must be float32, 3 x units long");
    } else if (units * 3 * units * (Py_ssize_t)sizeof(float) != w.len) {
        PyErr_SetString(PyExc_ValueError, "w_hh must be float32, units x 3 units");
    } else if (total * 3 * units * (Py_ssize_t)sizeof(float) != x.len) {
        PyErr_SetString(PyExc_ValueError, "inputs must be float32, sum(lengths) x 3 units");
    } else if (total * units * (Py_ssize_t)sizeof(float) != out.len) {
        PyErr_SetString(PyExc_ValueError, "out must be float32, sum(lengths) x units");
    } else {
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = run(x.buf, lengths.buf, count, w.buf, b.buf, units, reverse, out.buf);
        Py_END_ALLOW_THREADS
        if (rc) PyErr_NoMemory();
        else result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&lengths);
    PyBuffer_Release(&w);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"gru", gru, METH_VARARGS, "gru(inputs, lengths, w_hh, b_hh, reverse, out): GRU states, in place."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_gru", NULL, -1, methods};

PyMODINIT_FUNC PyInit__gru(void) { return PyModule_Create(&module); }
