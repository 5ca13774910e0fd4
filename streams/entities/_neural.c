/* The neural tagger's two per-article loops that numpy and Python did slowly (neural.py). Optional:
 * neural.py falls back to numpy and Python, with the same results, when this extension was not built.
 *
 * window(): each token's first-layer sum of its window's cached contributions.
 *
 * Every known word keeps its contributions at the window's positions in a float16 table (half the memory
 * of float32). numpy gathered each token's rows and converted them to float32 before summing; the
 * conversion alone, one value at a time, was about a tenth of the entity stage. This loop reads the
 * float16 rows where they lie and sums them in float32 (with the CPU's F16C conversion when it has it),
 * so no converted copy is made.
 *
 * window(table, rows, at, positions, bias, out)
 *   table      float16, C-contiguous (R x positions*H): row r, block k = word r's contribution at position k
 *   rows       int64 (L): the table row at each position of the laid-out batch (padding's row between sentences)
 *   at         int64 (n): each token's position in the layout; its window is at-w .. at+w, w = positions / 2
 *   positions  int: the window's width, 2w + 1
 *   bias       float32 (H)
 *   out        float32, writable (n x H): bias + sum over k of table[rows[at + k - w], block k]
 *
 * to_half(): float32 values written into float16 storage (round to nearest even, as numpy's astype),
 * eight at a time with F16C; numpy converts one value at a time, and a batch's new table rows took as long to
 * convert as to compute.
 *
 * to_half(src, dst) -> bool
 *   src        float32, C-contiguous
 *   dst        float16, C-contiguous, writable, as many values
 *   returns    False, writing nothing, when the CPU has no F16C (the caller converts with numpy)
 *
 * ngram_rows(): the name-likeness classifier's rows for each new word's letter 2-4-grams (namelike.py,
 * which both taggers read): each n-gram looked up in the classifier's dict here instead of in a Python
 * comprehension, a twentieth of the entity stage.
 *
 * ngram_rows(words, index, first, last) -> (flat, offsets)
 *   words      list of str: each one's n-grams are taken of "<" + word + ">", n = 2, 3, 4, left to right
 *   index      dict str -> int: the classifier's row of each n-gram it knows (others are skipped)
 *   first      int: a row put before each word's (the bias), last: a row put after (zeros)
 *   flat       bytes, int64: first, the word's known n-grams' rows, last; word after word
 *   offsets    bytes, int64: where each word's rows begin in flat
 *
 * ngram_buckets(): the hashed letter 2-4-grams of each new word, as `neural.ngram_buckets` gives them
 * (crc32 of the UTF-8 bytes, surrogates passed through, modulo the number of buckets); building each
 * n-gram as a Python string to hash it was a twentieth of the entity stage.
 *
 * ngram_buckets(words, buckets) -> (flat, sizes)
 *   words      list of str: each is hashed as "<" + word + ">"
 *   buckets    int > 0
 *   flat       bytes, int64: every word's buckets, n = 2, 3, 4 and left to right within each n, word after word
 *   sizes      bytes, int64: how many of them each word has
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_F16C_PATH 1
#endif

static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0) {
        /* zero or subnormal: mantissa x 2^-24 */
        float f = (float)mantissa * 5.9604644775390625e-8f;
        return sign ? -f : f;
    }
    if (exponent == 31) bits = sign | 0x7f800000u | (mantissa << 13);
    else bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void add_scalar(float *acc, const uint16_t *src, Py_ssize_t count) {
    for (Py_ssize_t j = 0; j < count; j++) acc[j] += half_to_float(src[j]);
}

#ifdef HAVE_F16C_PATH
__attribute__((target("avx,f16c"))) static void add_f16c(float *acc, const uint16_t *src, Py_ssize_t count) {
    Py_ssize_t j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + j)));
        _mm256_storeu_ps(acc + j, _mm256_add_ps(_mm256_loadu_ps(acc + j), v));
    }
    add_scalar(acc + j, src + j, count - j);
}
#endif

static int have_f16c = 0;

#ifdef HAVE_F16C_PATH
__attribute__((target("avx,f16c"))) static void convert_f16c(const float *src, uint16_t *dst, Py_ssize_t count) {
    Py_ssize_t j = 0;
    for (; j + 8 <= count; j += 8)
        _mm_storeu_si128((__m128i *)(dst + j), _mm256_cvtps_ph(_mm256_loadu_ps(src + j), _MM_FROUND_TO_NEAREST_INT));
    if (j < count) {  /* the tail, through a zero-padded block of eight */
        float tail[8] = {0};
        uint16_t out[8];
        memcpy(tail, src + j, sizeof(float) * (count - j));
        _mm_storeu_si128((__m128i *)out, _mm256_cvtps_ph(_mm256_loadu_ps(tail), _MM_FROUND_TO_NEAREST_INT));
        memcpy(dst + j, out, sizeof(uint16_t) * (count - j));
    }
}
#endif

static PyObject *to_half(PyObject *self, PyObject *args) {
    Py_buffer src, dst;
    if (!PyArg_ParseTuple(args, "y*w*", &src, &dst)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t count = src.len / (Py_ssize_t)sizeof(float);
    if (count * (Py_ssize_t)sizeof(float) != src.len || count * (Py_ssize_t)sizeof(uint16_t) != dst.len) {
        PyErr_SetString(PyExc_ValueError, "src must be float32 and dst float16, as many values");
    } else if (!have_f16c) {
        result = Py_NewRef(Py_False);
    } else {
#ifdef HAVE_F16C_PATH
        Py_BEGIN_ALLOW_THREADS
        convert_f16c(src.buf, dst.buf, count);
        Py_END_ALLOW_THREADS
#endif
        result = Py_NewRef(Py_True);
    }
    PyBuffer_Release(&src);
    PyBuffer_Release(&dst);
    return result;
}

static PyObject *window(PyObject *self, PyObject *args) {
    Py_buffer table, rows, at, bias, out;
    Py_ssize_t positions;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*w*", &table, &rows, &at, &positions, &bias, &out)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t hidden = bias.len / (Py_ssize_t)sizeof(float);
    Py_ssize_t width = positions * hidden;  /* values per table row */
    Py_ssize_t layout = rows.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t n = at.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t table_rows = width > 0 ? table.len / (width * (Py_ssize_t)sizeof(uint16_t)) : 0;
    Py_ssize_t half = positions / 2;
    const int64_t *row = rows.buf, *pos = at.buf;
    if (positions <= 0 || positions % 2 == 0 || hidden <= 0 || hidden * (Py_ssize_t)sizeof(float) != bias.len) {
        PyErr_SetString(PyExc_ValueError, "positions must be odd and bias float32, hidden long");
    } else if (table_rows * width * (Py_ssize_t)sizeof(uint16_t) != table.len) {
        PyErr_SetString(PyExc_ValueError, "table must be float16, rows x positions * hidden");
    } else if (n * hidden * (Py_ssize_t)sizeof(float) != out.len) {
        PyErr_SetString(PyExc_ValueError, "out must be float32, len(at) x hidden");
    } else {
        const char *bad = NULL;
        for (Py_ssize_t i = 0; i < layout && !bad; i++)
            if (row[i] < 0 || row[i] >= table_rows) bad = "a row is outside the table";
        for (Py_ssize_t t = 0; t < n && !bad; t++)
            if (pos[t] - half < 0 || pos[t] + half >= layout) bad = "a token's window runs outside the layout";
        if (bad) {
            PyErr_SetString(PyExc_ValueError, bad);
        } else {
            const uint16_t *values = table.buf;
            float *dst = out.buf;
            void (*add)(float *, const uint16_t *, Py_ssize_t) = add_scalar;
#ifdef HAVE_F16C_PATH
            if (have_f16c) add = add_f16c;
#endif
            Py_BEGIN_ALLOW_THREADS
            for (Py_ssize_t t = 0; t < n; t++) {
                float *acc = dst + t * hidden;
                memcpy(acc, bias.buf, sizeof(float) * hidden);
                for (Py_ssize_t k = 0; k < positions; k++)
                    add(acc, values + row[pos[t] + k - half] * width + k * hidden, hidden);
            }
            Py_END_ALLOW_THREADS
            result = Py_NewRef(Py_None);
        }
    }
    PyBuffer_Release(&table);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&at);
    PyBuffer_Release(&bias);
    PyBuffer_Release(&out);
    return result;
}

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

/* UTF-8 bytes of one code point (surrogates as three bytes, as Python's "surrogatepass" writes them). */
static int utf8(Py_UCS4 c, unsigned char *out) {
    if (c < 0x80) { out[0] = (unsigned char)c; return 1; }
    if (c < 0x800) { out[0] = 0xC0 | (c >> 6); out[1] = 0x80 | (c & 0x3F); return 2; }
    if (c < 0x10000) {
        out[0] = 0xE0 | (c >> 12); out[1] = 0x80 | ((c >> 6) & 0x3F); out[2] = 0x80 | (c & 0x3F);
        return 3;
    }
    out[0] = 0xF0 | (c >> 18); out[1] = 0x80 | ((c >> 12) & 0x3F); out[2] = 0x80 | ((c >> 6) & 0x3F);
    out[3] = 0x80 | (c & 0x3F);
    return 4;
}

/* How many letter 2-4-grams the words have together ("<" + word + ">"), or -1 with TypeError if one is
 * not a str. */
static Py_ssize_t all_grams(PyObject *words) {
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) {
        PyObject *w = PyList_GET_ITEM(words, i);
        if (!PyUnicode_Check(w)) {
            PyErr_SetString(PyExc_TypeError, "words must be str");
            return -1;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(w) + 2;
        for (Py_ssize_t n = 2; n <= 4; n++) total += len >= n ? len - n + 1 : 0;
    }
    return total;
}

static PyObject *ngram_buckets(PyObject *self, PyObject *args) {
    PyObject *words;
    Py_ssize_t buckets;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &words, &buckets)) return NULL;
    if (buckets <= 0) {
        PyErr_SetString(PyExc_ValueError, "buckets must be positive");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(words), total = all_grams(words);
    if (total < 0) return NULL;
    PyObject *flat = PyBytes_FromStringAndSize(NULL, total * (Py_ssize_t)sizeof(int64_t));
    PyObject *sizes = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(int64_t));
    if (!flat || !sizes) {
        Py_XDECREF(flat);
        Py_XDECREF(sizes);
        return NULL;
    }
    int64_t *out = (int64_t *)PyBytes_AS_STRING(flat), *size = (int64_t *)PyBytes_AS_STRING(sizes);
    unsigned char bytes[4];
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *w = PyList_GET_ITEM(words, i);
        int kind = PyUnicode_KIND(w);
        const void *data = PyUnicode_DATA(w);
        Py_ssize_t len = PyUnicode_GET_LENGTH(w) + 2, made = 0;
        for (Py_ssize_t n = 2; n <= 4; n++) {
            for (Py_ssize_t start = 0; start + n <= len; start++) {
                uint32_t c = 0xFFFFFFFFu;
                for (Py_ssize_t k = 0; k < n; k++) {
                    Py_ssize_t at = start + k;
                    Py_UCS4 ch = at == 0 ? '<' : at == len - 1 ? '>' : PyUnicode_READ(kind, data, at - 1);
                    int width = utf8(ch, bytes);
                    for (int b = 0; b < width; b++) c = crc_table[(c ^ bytes[b]) & 0xFF] ^ (c >> 8);
                }
                *out++ = (int64_t)((uint64_t)(c ^ 0xFFFFFFFFu) % (uint64_t)buckets);
                made++;
            }
        }
        size[i] = made;
    }
    return Py_BuildValue("(NN)", flat, sizes);
}

static PyObject *ngram_rows(PyObject *self, PyObject *args) {
    PyObject *words, *index;
    long long first, last;
    if (!PyArg_ParseTuple(args, "O!O!LL", &PyList_Type, &words, &PyDict_Type, &index, &first, &last)) return NULL;
    Py_ssize_t count = PyList_GET_SIZE(words), capacity = all_grams(words);
    if (capacity < 0) return NULL;
    capacity += 2 * count;  /* first and last around each word's */
    int64_t *flat = PyMem_Malloc(sizeof(int64_t) * (capacity ? capacity : 1));
    PyObject *offsets = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(int64_t));
    if (!flat || !offsets) {
        PyMem_Free(flat);
        Py_XDECREF(offsets);
        return PyErr_NoMemory();
    }
    int64_t *offset = (int64_t *)PyBytes_AS_STRING(offsets);
    Py_ssize_t used = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *bordered = PyUnicode_FromFormat("<%U>", PyList_GET_ITEM(words, i));
        if (!bordered) goto fail;
        Py_ssize_t len = PyUnicode_GET_LENGTH(bordered);
        offset[i] = used;
        flat[used++] = first;
        for (Py_ssize_t n = 2; n <= 4; n++) {
            for (Py_ssize_t start = 0; start + n <= len; start++) {
                PyObject *gram = PyUnicode_Substring(bordered, start, start + n);
                if (!gram) {
                    Py_DECREF(bordered);
                    goto fail;
                }
                PyObject *row = PyDict_GetItemWithError(index, gram);  /* borrowed */
                Py_DECREF(gram);
                if (row) {
                    long long r = PyLong_AsLongLong(row);
                    if (r == -1 && PyErr_Occurred()) {
                        Py_DECREF(bordered);
                        goto fail;
                    }
                    flat[used++] = r;
                } else if (PyErr_Occurred()) {
                    Py_DECREF(bordered);
                    goto fail;
                }
            }
        }
        flat[used++] = last;
        Py_DECREF(bordered);
    }
    PyObject *flat_bytes = PyBytes_FromStringAndSize((const char *)flat, used * (Py_ssize_t)sizeof(int64_t));
    PyMem_Free(flat);
    if (!flat_bytes) {
        Py_DECREF(offsets);
        return NULL;
    }
    return Py_BuildValue("(NN)", flat_bytes, offsets);
fail:
    PyMem_Free(flat);
    Py_DECREF(offsets);
    return NULL;
}

static PyMethodDef methods[] = {
    {"window", window, METH_VARARGS,
     "window(table, rows, at, positions, bias, out): each token's first-layer sum, into out."},
    {"to_half", to_half, METH_VARARGS, "to_half(src, dst) -> bool: float32 into float16 storage, if F16C."},
    {"ngram_rows", ngram_rows, METH_VARARGS,
     "ngram_rows(words, index, first, last) -> (flat, offsets): classifier rows of letter 2-4-grams, int64 bytes."},
    {"ngram_buckets", ngram_buckets, METH_VARARGS,
     "ngram_buckets(words, buckets) -> (flat, sizes): hashed letter 2-4-grams, int64 bytes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_neural", NULL, -1, methods};

PyMODINIT_FUNC PyInit__neural(void) {
    crc_init();
#ifdef HAVE_F16C_PATH
    __builtin_cpu_init();
    have_f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
#endif
    return PyModule_Create(&module);
}
