/*
 * harsanyi._core: the only file that speaks the CPython and NumPy C APIs.
 *
 * Each function here checks its arrays, releases the GIL, calls one kernel and
 * turns the kernel's status into a Python result or exception.  The public
 * functions, with their validation and documentation, are in python/harsanyi.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_2_0_API_VERSION
#include <numpy/arrayobject.h>

#include "hs_common.h"
#include "butterfly.h"
#include "transforms.h"
#include "indices.h"
#include "order_stats.h"
#include "and_or.h"
#include "shared_and_or.h"
#include "theory.h"
#include "log_odds.h"

/* -- Array checks ---------------------------------------------------------- */

enum { TYPE_REAL = 0, TYPE_F64 = 1, TYPE_I64 = 2 }; /* REAL: float32 or float64 */
#define ANY_COUNT ((npy_intp)-1)

/* What an array handed to a kernel must be. */
typedef struct {
    const char *name;
    int type;            /* TYPE_* */
    npy_intp count;      /* values it holds, or ANY_COUNT */
    int writeable;
    PyArrayObject *like; /* an array whose shape and dtype it must have, or NULL */
    int strided;         /* any strides of whole elements instead of C order */
} array_spec;

static const char *const TYPE_NAMES[] = {"float32/float64", "float64", "int64"};

/* Raises ValueError and returns -1 unless `a` fits `spec`; kernels may then assume it. */
static int check_array(PyArrayObject *a, array_spec spec) {
    const int type = PyArray_TYPE(a);
    const int type_ok = spec.type == TYPE_REAL ? type == NPY_FLOAT64 || type == NPY_FLOAT32
                        : spec.type == TYPE_F64 ? type == NPY_FLOAT64
                                                : type == NPY_INT64;
    const int layout_ok = PyArray_ISALIGNED(a) && PyArray_ISNOTSWAPPED(a) &&
                          (spec.strided || PyArray_IS_C_CONTIGUOUS(a));
    if (!type_ok || !layout_ok || (spec.writeable && !PyArray_ISWRITEABLE(a))) {
        PyErr_Format(PyExc_ValueError, "%s must be a%s aligned, %snative-order %s array",
                     spec.name, spec.writeable ? " writeable" : "n",
                     spec.strided ? "" : "C-contiguous, ", TYPE_NAMES[spec.type]);
        return -1;
    }
    if (spec.count != ANY_COUNT && PyArray_SIZE(a) != spec.count) {
        PyErr_Format(PyExc_ValueError, "%s must be an array of %zd values, not %zd", spec.name,
                     (Py_ssize_t)spec.count, (Py_ssize_t)PyArray_SIZE(a));
        return -1;
    }
    if (spec.like &&
        (type != PyArray_TYPE(spec.like) || PyArray_NDIM(a) != PyArray_NDIM(spec.like) ||
         !PyArray_CompareLists(PyArray_DIMS(a), PyArray_DIMS(spec.like), PyArray_NDIM(a)))) {
        PyErr_Format(PyExc_ValueError, "%s must have the input's shape and dtype", spec.name);
        return -1;
    }
    return 0;
}

/* Checks a (batch..., 2^n) game array and reads its n and batch; raises and returns -1
   if it is not one. */
static int check_game(PyArrayObject *a, const char *name, int type, int *n, hs_index *batch) {
    if (check_array(a, (array_spec){.name = name, .type = type, .count = ANY_COUNT})) return -1;
    const int ndim = PyArray_NDIM(a);
    if (ndim < 1) {
        PyErr_Format(PyExc_ValueError, "%s must have at least one dimension", name);
        return -1;
    }
    const npy_intp size = PyArray_DIM(a, ndim - 1);
    if (size < 1 || (size & (size - 1)) != 0) {
        PyErr_Format(PyExc_ValueError, "%s: last axis has length %zd, not a power of two",
                     name, (Py_ssize_t)size);
        return -1;
    }
    int bits = 0;
    while (((npy_intp)1 << bits) < size) ++bits;
    if (bits > HS_MAX_PLAYERS) {
        PyErr_Format(PyExc_ValueError, "%s: n = %d players is more than %d", name, bits,
                     HS_MAX_PLAYERS);
        return -1;
    }
    *n = bits;
    *batch = (hs_index)(PyArray_SIZE(a) / size);
    return 0;
}

/* The float64 or float32 kernel by the array's type; arguments are passed as the void
   pointers of PyArray_DATA, which convert to either. */
#define BY_TYPE(type, kernel, ...) \
    ((type) == NPY_FLOAT64 ? kernel##_f64(__VA_ARGS__) : kernel##_f32(__VA_ARGS__))

/* Turns a kernel's status into an exception; returns 0 for HS_OK, else -1. */
static int raise_status(int status) {
    switch (status) {
    case HS_OK:
        return 0;
    case HS_ENOMEM:
        PyErr_NoMemory();
        return -1;
    case HS_ENONFINITE:
        PyErr_SetString(PyExc_ValueError, "the input holds NaN or Inf");
        return -1;
    case HS_EDIVERGED:
        PyErr_SetString(PyExc_FloatingPointError, "the iterations produced NaN or Inf");
        return -1;
    case HS_EOVERFLOW:
        PyErr_SetString(PyExc_FloatingPointError, "finite inputs gave non-finite results");
        return -1;
    default:
        PyErr_SetString(PyExc_ValueError, "a kernel argument is out of range");
        return -1;
    }
}

/* -- Transforms ------------------------------------------------------------ */

/* The bytes an array's elements span, [*low, *high); 0 for an empty array. */
static int byte_span(PyArrayObject *a, const char **low, const char **high) {
    npy_intp from = 0, to = PyArray_ITEMSIZE(a);
    for (int d = 0; d < PyArray_NDIM(a); ++d) {
        if (PyArray_DIM(a, d) == 0) return 0;
        const npy_intp extent = (PyArray_DIM(a, d) - 1) * PyArray_STRIDE(a, d);
        if (extent < 0) from += extent; else to += extent;
    }
    *low = PyArray_BYTES(a) + from;
    *high = PyArray_BYTES(a) + to;
    return 1;
}

/* Whether the memory spans of two arrays intersect. */
static int overlaps(PyArrayObject *a, PyArrayObject *b) {
    const char *la, *ha, *lb, *hb;
    return byte_span(a, &la, &ha) && byte_span(b, &lb, &hb) && la < hb && lb < ha;
}

/* Raises ValueError and returns -1 if an output (arrays[first_output..count-1]) shares
   memory with any other array: the kernels read inputs while they write outputs. */
static int check_apart(int count, PyArrayObject *const *arrays, const char *const *names,
                       int first_output) {
    for (int k = first_output; k < count; ++k)
        for (int j = 0; j < count; ++j)
            if (j != k && overlaps(arrays[k], arrays[j])) {
                PyErr_Format(PyExc_ValueError, "%s overlaps %s: outputs must be arrays of "
                             "their own", names[k], names[j]);
                return -1;
            }
    return 0;
}

static int is_and_kind(int kind) {
    return kind == HS_AND_INTERACTIONS || kind == HS_AND_VALUES ||
           kind == HS_AND_INTERACTIONS_T || kind == HS_AND_VALUES_T;
}

static PyObject *py_transform(PyObject *self, PyObject *args) {
    PyArrayObject *in, *out;
    int kind, n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!i", &PyArray_Type, &in, &PyArray_Type, &out, &kind))
        return NULL;
    if (check_game(in, "input", TYPE_REAL, &n, &batch) ||
        check_array(out, (array_spec){.name = "out", .count = ANY_COUNT, .writeable = 1,
                                      .like = in}))
        return NULL;
    if (kind < 0 || kind >= HS_TRANSFORM_COUNT) {
        PyErr_Format(PyExc_ValueError, "unknown transform kind %d", kind);
        return NULL;
    }
    if (overlaps(in, out) && !(PyArray_DATA(in) == PyArray_DATA(out) && is_and_kind(kind))) {
        /* The AND butterflies work in place; anything else would read what it wrote. */
        PyErr_SetString(PyExc_ValueError,
                        "out overlaps the input: only AND transforms may run in place");
        return NULL;
    }
    const int type = PyArray_TYPE(in);
    Py_BEGIN_ALLOW_THREADS
    status = BY_TYPE(type, hs_transform, PyArray_DATA(in), PyArray_DATA(out), batch, n, kind);
    Py_END_ALLOW_THREADS
    /* A non-finite input, or an overflow, still gives its result: the caller decides. */
    if (status == HS_ENONFINITE || status == HS_EOVERFLOW) return PyLong_FromLong(status);
    if (raise_status(status)) return NULL;
    return PyLong_FromLong(HS_OK);
}

static PyObject *py_all_finite(PyObject *self, PyObject *args) {
    PyArrayObject *a;
    int finite;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!", &PyArray_Type, &a)) return NULL;
    if (check_array(a, (array_spec){.name = "input", .count = ANY_COUNT})) return NULL;
    const hs_index count = (hs_index)PyArray_SIZE(a);
    const int type = PyArray_TYPE(a);
    Py_BEGIN_ALLOW_THREADS
    finite = BY_TYPE(type, hs_all_finite, PyArray_DATA(a), count);
    Py_END_ALLOW_THREADS
    return PyBool_FromLong(finite);
}

/* -- Indices --------------------------------------------------------------- */

static PyObject *py_player_values(PyObject *self, PyObject *args) {
    PyArrayObject *m, *out;
    PyObject *extra_obj;
    int index, n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!OO!i", &PyArray_Type, &m, &extra_obj, &PyArray_Type,
                          &out, &index))
        return NULL;
    if (check_game(m, "interactions", TYPE_REAL, &n, &batch)) return NULL;
    const int type = PyArray_TYPE(m);
    if (check_array(out, (array_spec){.name = "out", .count = batch * n, .writeable = 1}))
        return NULL;
    if (PyArray_TYPE(out) != type) {
        PyErr_SetString(PyExc_ValueError, "out must have the input's dtype");
        return NULL;
    }
    void *extra = NULL;
    if (extra_obj != Py_None) {
        if (!PyArray_Check(extra_obj)) {
            PyErr_SetString(PyExc_TypeError, "or_interactions must be an array or None");
            return NULL;
        }
        if (check_array((PyArrayObject *)extra_obj,
                        (array_spec){.name = "or_interactions", .count = ANY_COUNT, .like = m}))
            return NULL;
        extra = PyArray_DATA((PyArrayObject *)extra_obj);
    }
    PyArrayObject *arrays[3] = {m, extra ? (PyArrayObject *)extra_obj : m, out};
    const char *names[3] = {"interactions", "or_interactions", "out"};
    if (check_apart(3, arrays, names, 2)) return NULL;
    if (index != HS_SHAPLEY && index != HS_BANZHAF) {
        PyErr_Format(PyExc_ValueError, "unknown player value %d", index);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    status = BY_TYPE(type, hs_player_values, PyArray_DATA(m), extra, PyArray_DATA(out), batch,
                     n, index);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_superset_index(PyObject *self, PyObject *args) {
    PyArrayObject *m, *out;
    int index, n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!i", &PyArray_Type, &m, &PyArray_Type, &out, &index))
        return NULL;
    if (check_game(m, "interactions", TYPE_REAL, &n, &batch) ||
        check_array(out, (array_spec){.name = "out", .count = ANY_COUNT, .writeable = 1,
                                      .like = m}))
        return NULL;
    if (overlaps(m, out)) {
        PyErr_SetString(PyExc_ValueError, "out must not overlap the input");
        return NULL;
    }
    if (index != HS_SII && index != HS_BII) {
        PyErr_Format(PyExc_ValueError, "unknown interaction index %d", index);
        return NULL;
    }
    const int type = PyArray_TYPE(m);
    Py_BEGIN_ALLOW_THREADS
    status = BY_TYPE(type, hs_superset_index, PyArray_DATA(m), PyArray_DATA(out), batch, n,
                     index);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* -- Order statistics ------------------------------------------------------ */

static PyObject *py_order_stats(PyObject *self, PyObject *args) {
    PyArrayObject *inter, *thr, *pos, *neg, *abs_, *cnt;
    int n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!", &PyArray_Type, &inter, &PyArray_Type, &thr,
                          &PyArray_Type, &pos, &PyArray_Type, &neg, &PyArray_Type, &abs_,
                          &PyArray_Type, &cnt))
        return NULL;
    if (check_game(inter, "interactions", TYPE_REAL, &n, &batch)) return NULL;
    const int type = PyArray_TYPE(inter);
    const hs_index width = batch * (n + 1);
    PyArrayObject *sums[3] = {pos, neg, abs_};
    const char *names[3] = {"positive", "negative", "absolute"};
    for (int k = 0; k < 3; ++k) {
        if (check_array(sums[k], (array_spec){.name = names[k], .count = width, .writeable = 1}))
            return NULL;
        if (PyArray_TYPE(sums[k]) != type) {
            PyErr_Format(PyExc_ValueError, "%s must have the input's dtype", names[k]);
            return NULL;
        }
    }
    if (check_array(cnt, (array_spec){.name = "count", .type = TYPE_I64, .count = width,
                                      .writeable = 1}) ||
        check_array(thr, (array_spec){.name = "threshold", .type = TYPE_F64, .count = batch}))
        return NULL;
    PyArrayObject *arrays[6] = {inter, thr, pos, neg, abs_, cnt};
    const char *all_names[6] = {"interactions", "threshold", "positive", "negative",
                                "absolute", "count"};
    if (check_apart(6, arrays, all_names, 2)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = BY_TYPE(type, hs_order_stats, PyArray_DATA(inter), batch, n, PyArray_DATA(thr),
                     PyArray_DATA(pos), PyArray_DATA(neg), PyArray_DATA(abs_), PyArray_DATA(cnt));
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* -- AND-OR decomposition -------------------------------------------------- */

/* Checks float64 arrays of the given counts, in order, writeable from `writeable_from`
   on, and from `apart_from` on (if >= 0) apart from all others; raises and returns -1 at
   the first that does not fit. */
static int check_f64_arrays(int count, PyArrayObject **arrays, const char **names,
                            const hs_index *sizes, int writeable_from, int apart_from) {
    for (int k = 0; k < count; ++k)
        if (check_array(arrays[k], (array_spec){.name = names[k], .type = TYPE_F64,
                                                .count = sizes[k],
                                                .writeable = k >= writeable_from}))
            return -1;
    return apart_from >= 0 ? check_apart(count, arrays, names, apart_from) : 0;
}

/* A start for the PDHG from None or (and_start, or_start, dual_start, weight); 0 or -1. */
static int pdhg_start(PyObject *arg, hs_pdhg_start *start, int *given, PyArrayObject **a) {
    *given = arg != Py_None;
    if (!*given) return 0;
    if (!PyArg_ParseTuple(arg, "O!O!O!O!;start must be (and, or, dual, weight) arrays",
                          &PyArray_Type, &a[0], &PyArray_Type, &a[1], &PyArray_Type, &a[2],
                          &PyArray_Type, &a[3]))
        return -1;
    start->and_start = PyArray_DATA(a[0]);
    start->or_start = PyArray_DATA(a[1]);
    start->dual_start = PyArray_DATA(a[2]);
    start->weight = PyArray_DATA(a[3]);
    return 0;
}

static PyObject *py_and_or_pdhg(PyObject *self, PyObject *args) {
    PyArrayObject *v, *tau, *a, *o, *noise, *dual, *info, *starts[4];
    PyObject *start_arg;
    int n, status, given;
    hs_index batch;
    hs_pdhg_options options = {HS_PDHG_TUNED};
    hs_pdhg_start start;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!idpO", &PyArray_Type, &v, &PyArray_Type,
                          &tau, &PyArray_Type, &a, &PyArray_Type, &o, &PyArray_Type, &noise,
                          &PyArray_Type, &dual, &PyArray_Type, &info, &options.max_iter,
                          &options.tol, &options.mixed, &start_arg))
        return NULL;
    if (check_game(v, "values", TYPE_F64, &n, &batch)) return NULL;
    const hs_index count = batch << n;
    if (pdhg_start(start_arg, &start, &given, starts)) return NULL;
    PyArrayObject *arrays[11] = {v, tau, given ? starts[0] : v, given ? starts[1] : v,
                                 given ? starts[2] : v, given ? starts[3] : v, a, o, noise,
                                 dual, info};
    const char *names[11] = {"values", "tau", "and_start", "or_start", "dual_start",
                             "weight_start", "and_out", "or_out", "noise_out", "dual_out",
                             "info"};
    const hs_index sizes[11] = {count, batch, count, count, count, given ? batch : count,
                                count, count, count, count, batch * HS_INFO_FIELDS};
    if (check_f64_arrays(11, arrays, names, sizes, 6, 6)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = hs_and_or_pdhg(PyArray_DATA(v), PyArray_DATA(tau), PyArray_DATA(a), PyArray_DATA(o),
                            PyArray_DATA(noise), PyArray_DATA(dual), batch, n, &options,
                            given ? &start : NULL, PyArray_DATA(info));
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_and_or_sgd(PyObject *self, PyObject *args) {
    PyArrayObject *v, *tau, *a, *o, *noise, *objective;
    int iterations, n, status;
    double lr, momentum;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!idd", &PyArray_Type, &v, &PyArray_Type, &tau,
                          &PyArray_Type, &a, &PyArray_Type, &o, &PyArray_Type, &noise,
                          &PyArray_Type, &objective, &iterations, &lr, &momentum))
        return NULL;
    if (check_game(v, "values", TYPE_F64, &n, &batch)) return NULL;
    const hs_index count = batch << n;
    PyArrayObject *arrays[6] = {v, tau, a, o, noise, objective};
    const char *names[6] = {"values", "tau", "and_out", "or_out", "noise_out", "objective"};
    const hs_index sizes[6] = {count, batch, count, count, count, batch};
    if (check_f64_arrays(6, arrays, names, sizes, 2, 2)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = hs_and_or_sgd(PyArray_DATA(v), PyArray_DATA(tau), PyArray_DATA(a), PyArray_DATA(o),
                           PyArray_DATA(noise), PyArray_DATA(objective), batch, n, iterations,
                           lr, momentum);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_shared_pdhg(PyObject *self, PyObject *args) {
    PyArrayObject *v, *tau, *bound, *a, *o, *shared, *info;
    int n, models, status;
    hs_index games;
    hs_pdhg_options options = {HS_PDHG_TUNED};
    hs_shared_spec spec;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!idid", &PyArray_Type, &v, &PyArray_Type, &tau,
                          &PyArray_Type, &bound, &PyArray_Type, &a, &PyArray_Type, &o,
                          &PyArray_Type, &shared, &PyArray_Type, &info, &models, &spec.alpha,
                          &options.max_iter, &options.tol))
        return NULL;
    if (check_game(v, "values", TYPE_F64, &n, &games)) return NULL;
    if (models < 1 || games % models != 0) {
        PyErr_SetString(PyExc_ValueError, "values must hold models games per input");
        return NULL;
    }
    const hs_index batch = games / models, count = games << n;
    PyArrayObject *arrays[7] = {v, tau, bound, a, o, shared, info};
    const char *names[7] = {"values", "tau", "gamma_bound", "and_out", "or_out", "shared_out",
                            "info"};
    const hs_index sizes[7] = {count, games, models, count, count, batch << n,
                               batch * HS_INFO_FIELDS};
    if (check_f64_arrays(7, arrays, names, sizes, 3, 3)) return NULL;
    spec.models = models;
    spec.gamma_bound = PyArray_DATA(bound);
    Py_BEGIN_ALLOW_THREADS
    status = hs_shared_pdhg(PyArray_DATA(v), PyArray_DATA(tau), &spec, PyArray_DATA(a),
                            PyArray_DATA(o), PyArray_DATA(shared), batch, n, &options,
                            PyArray_DATA(info));
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_theory_predict(PyObject *self, PyObject *args) {
    PyArrayObject *w, *sigma2, *out;
    int n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyArray_Type, &w, &PyArray_Type, &sigma2,
                          &PyArray_Type, &out))
        return NULL;
    if (check_game(w, "w_star", TYPE_F64, &n, &batch)) return NULL;
    const hs_index count = (hs_index)PyArray_SIZE(sigma2);
    PyArrayObject *arrays[3] = {w, sigma2, out};
    const char *names[3] = {"w_star", "sigma2", "out"};
    const hs_index sizes[3] = {batch << n, count, (batch * count) << n};
    if (check_f64_arrays(3, arrays, names, sizes, 2, 2)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = hs_theory_predict(PyArray_DATA(w), PyArray_DATA(sigma2), PyArray_DATA(out), batch,
                               count, n);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* -- Model outputs --------------------------------------------------------- */

static PyObject *py_log_odds_parts(PyObject *self, PyObject *args) {
    PyArrayObject *logits, *targets, *base, *rest;
    int status;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyArray_Type, &logits, &PyArray_Type, &targets,
                          &PyArray_Type, &base, &PyArray_Type, &rest))
        return NULL;
    if (PyArray_NDIM(logits) != 2 || PyArray_NDIM(targets) != 1) {
        PyErr_SetString(PyExc_ValueError,
                        "logits must be a float32/float64 matrix and targets a vector");
        return NULL;
    }
    if (check_array(logits, (array_spec){.name = "logits (a float32/float64 matrix)",
                                         .count = ANY_COUNT, .strided = 1}))
        return NULL;
    const npy_intp rows = PyArray_DIM(logits, 0), classes = PyArray_DIM(logits, 1);
    const npy_intp item = PyArray_ITEMSIZE(logits);
    if (PyArray_STRIDE(logits, 0) % item || PyArray_STRIDE(logits, 1) % item) {
        PyErr_SetString(PyExc_ValueError, "logits' strides must be whole elements");
        return NULL;
    }
    /* rest holds classes - 2 shifted logits per row, row after row. */
    const npy_intp width = classes >= 2 ? classes - 2 : 0;
    if (check_array(targets, (array_spec){.name = "targets", .type = TYPE_I64, .count = rows}) ||
        check_array(base, (array_spec){.name = "base", .type = TYPE_F64, .count = rows,
                                       .writeable = 1}) ||
        check_array(rest, (array_spec){.name = "rest", .type = TYPE_F64, .count = rows * width,
                                       .writeable = 1}))
        return NULL;
    PyArrayObject *all[4] = {logits, targets, base, rest};
    const char *all_names[4] = {"logits", "targets", "base", "rest"};
    if (check_apart(4, all, all_names, 2)) return NULL;
    const hs_index row_stride = PyArray_STRIDE(logits, 0) / item;
    const hs_index class_stride = PyArray_STRIDE(logits, 1) / item;
    const int type = PyArray_TYPE(logits);
    Py_BEGIN_ALLOW_THREADS
    status = BY_TYPE(type, hs_log_odds_parts, PyArray_DATA(logits), rows, classes, row_stride,
                     class_stride, PyArray_DATA(targets), PyArray_DATA(base), PyArray_DATA(rest));
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* -- Threads --------------------------------------------------------------- */

static PyObject *py_get_num_threads(PyObject *self, PyObject *noargs) {
    (void)self;
    (void)noargs;
    return PyLong_FromLong(hs_get_num_threads());
}

static PyObject *py_set_num_threads(PyObject *self, PyObject *args) {
    int threads;
    (void)self;
    if (!PyArg_ParseTuple(args, "i", &threads)) return NULL;
    hs_set_num_threads(threads);
    Py_RETURN_NONE;
}

/* -- Module ---------------------------------------------------------------- */

static PyMethodDef core_methods[] = {
    {"transform", py_transform, METH_VARARGS,
     "transform(input, out, kind) -> int: out = T_kind(input); 0, or NONFINITE if the input "
     "held NaN/Inf, OVERFLOW if finite inputs gave non-finite results."},
    {"all_finite", py_all_finite, METH_VARARGS,
     "all_finite(a) -> bool: whether every value of a float array is finite."},
    {"player_values", py_player_values, METH_VARARGS,
     "player_values(m, extra_or_None, out, index): Shapley (0) or Banzhaf (1) values."},
    {"superset_index", py_superset_index, METH_VARARGS,
     "superset_index(m, out, index): SII (0) or BII (1) over all subsets."},
    {"order_stats", py_order_stats, METH_VARARGS,
     "order_stats(I, threshold, positive, negative, absolute, count): per-order sums of the "
     "interactions with |I| >= threshold[g]."},
    {"and_or_pdhg", py_and_or_pdhg, METH_VARARGS,
     "and_or_pdhg(v, tau, and_out, or_out, noise_out, dual_out, info, max_iter, tol, mixed, "
     "start): restarted PDHG; start: None or (and, or, dual, weight); info: INFO_*."},
    {"and_or_sgd", py_and_or_sgd, METH_VARARGS,
     "and_or_sgd(v, tau, and_out, or_out, noise_out, objective, iterations, lr, momentum): "
     "the published SGD schedule on butterflies."},
    {"shared_pdhg", py_shared_pdhg, METH_VARARGS,
     "shared_pdhg(v, tau, gamma_bound, and_out, or_out, shared_out, info, models, alpha, "
     "max_iter, tol): joint AND-OR of v (inputs x models x 2^n); info: INFO_*."},
    {"theory_predict", py_theory_predict, METH_VARARGS,
     "theory_predict(w_star, sigma2, out): the two-phase theory's predicted interactions."},
    {"log_odds_parts", py_log_odds_parts, METH_VARARGS,
     "log_odds_parts(logits, targets, base, rest): v = base - log1p(sum(exp(rest), 1)) is "
     "the log-odds z_y - log sum_{c != y} exp(z_c) of each row."},
    {"get_num_threads", py_get_num_threads, METH_NOARGS,
     "get_num_threads() -> int: threads the kernels use."},
    {"set_num_threads", py_set_num_threads, METH_VARARGS,
     "set_num_threads(k): threads the kernels use (k <= 0: the OpenMP default)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core",
    "Compiled kernels of harsanyi (private: use the functions of the harsanyi package).",
    -1, core_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__core(void) {
    import_array();
    hs_install_fork_handler();
    PyObject *module = PyModule_Create(&core_module);
    if (!module) return NULL;
#ifdef _OPENMP
    const long openmp = 1;
#else
    const long openmp = 0;
#endif
    const struct {
        const char *name;
        long value;
    } constants[] = {
        {"HAS_OPENMP", openmp}, {"MAX_PLAYERS", HS_MAX_PLAYERS},
        {"HAS_VECTOR_CLONES", HS_HAS_VECTOR_CLONES}, {"NONFINITE", HS_ENONFINITE},
        {"OVERFLOW", HS_EOVERFLOW}, {"AND_INTERACTIONS", HS_AND_INTERACTIONS},
        {"AND_VALUES", HS_AND_VALUES}, {"OR_INTERACTIONS", HS_OR_INTERACTIONS},
        {"OR_VALUES", HS_OR_VALUES}, {"AND_INTERACTIONS_T", HS_AND_INTERACTIONS_T},
        {"AND_VALUES_T", HS_AND_VALUES_T}, {"OR_INTERACTIONS_T", HS_OR_INTERACTIONS_T},
        {"OR_VALUES_T", HS_OR_VALUES_T}, {"SHAPLEY", HS_SHAPLEY}, {"BANZHAF", HS_BANZHAF},
        {"SII", HS_SII}, {"BII", HS_BII}, {"INFO_FIELDS", HS_INFO_FIELDS},
        {"INFO_OBJECTIVE", HS_INFO_OBJECTIVE}, {"INFO_DUAL", HS_INFO_DUAL},
        {"INFO_GAP", HS_INFO_GAP}, {"INFO_ITERATIONS", HS_INFO_ITERATIONS},
        {"INFO_CONVERGED", HS_INFO_CONVERGED}, {"INFO_WEIGHT", HS_INFO_WEIGHT},
        {"SHARED_MAX_MODELS", HS_SHARED_MAX_MODELS}};
    for (size_t k = 0; k < sizeof constants / sizeof constants[0]; ++k)
        if (PyModule_AddIntConstant(module, constants[k].name, constants[k].value)) {
            Py_DECREF(module);
            return NULL;
        }
    return module;
}
