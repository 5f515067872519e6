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
#include "theory.h"
#include "log_odds.h"

/* ------------------------------------------------------------------------- */
/* Array checks                                                              */
/* ------------------------------------------------------------------------- */

/* Raises and returns -1 unless `a` is an aligned, C-contiguous float32/float64 array. */
static int check_real_array(PyArrayObject *a, const char *name, int writeable) {
    const int type = PyArray_TYPE(a);
    if (type != NPY_FLOAT64 && type != NPY_FLOAT32) {
        PyErr_Format(PyExc_TypeError, "%s must be float32 or float64", name);
        return -1;
    }
    if (!PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a) ||
        !PyArray_ISNOTSWAPPED(a)) {
        PyErr_Format(PyExc_ValueError,
                     "%s must be an aligned, C-contiguous, native-order array", name);
        return -1;
    }
    if (writeable && !PyArray_ISWRITEABLE(a)) {
        PyErr_Format(PyExc_ValueError, "%s must be writeable", name);
        return -1;
    }
    return 0;
}

/* Reads a (batch..., 2^n) game array's n and batch; raises and returns -1 if not one. */
static int game_shape(PyArrayObject *a, const char *name, int *n, hs_index *batch) {
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

static int same_shape_and_type(PyArrayObject *a, PyArrayObject *b, const char *name) {
    if (PyArray_TYPE(a) != PyArray_TYPE(b) || PyArray_NDIM(a) != PyArray_NDIM(b) ||
        !PyArray_CompareLists(PyArray_DIMS(a), PyArray_DIMS(b), PyArray_NDIM(a))) {
        PyErr_Format(PyExc_ValueError, "%s must have the input's shape and dtype", name);
        return -1;
    }
    return 0;
}

/* Turns a kernel's failure status into an exception; HS_OK and HS_ENONFINITE pass. */
static int raise_status(int status) {
    switch (status) {
    case HS_OK:
    case HS_ENONFINITE:
        return 0;
    case HS_ENOMEM:
        PyErr_NoMemory();
        return -1;
    case HS_EDIVERGED:
        PyErr_SetString(PyExc_FloatingPointError, "the iterations produced NaN or Inf");
        return -1;
    default:
        PyErr_SetString(PyExc_ValueError, "a kernel argument is out of range");
        return -1;
    }
}

/* ------------------------------------------------------------------------- */
/* Transforms                                                                */
/* ------------------------------------------------------------------------- */

/* Whether the memory of two contiguous arrays intersects. */
static int overlaps(PyArrayObject *a, PyArrayObject *b) {
    const char *pa = PyArray_BYTES(a), *pb = PyArray_BYTES(b);
    return PyArray_NBYTES(a) > 0 && PyArray_NBYTES(b) > 0 &&
           pa < pb + PyArray_NBYTES(b) && pb < pa + PyArray_NBYTES(a);
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
    if (check_real_array(in, "input", 0) || check_real_array(out, "out", 1) ||
        same_shape_and_type(in, out, "out") || game_shape(in, "input", &n, &batch))
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
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(in) == NPY_FLOAT64)
        status = hs_transform_f64((const double *)PyArray_DATA(in),
                                  (double *)PyArray_DATA(out), batch, n, kind);
    else
        status = hs_transform_f32((const float *)PyArray_DATA(in),
                                  (float *)PyArray_DATA(out), batch, n, kind);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    return PyBool_FromLong(status != HS_ENONFINITE);
}

static PyObject *py_all_finite(PyObject *self, PyObject *args) {
    PyArrayObject *a;
    int finite;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!", &PyArray_Type, &a)) return NULL;
    if (check_real_array(a, "input", 0)) return NULL;
    const hs_index count = (hs_index)PyArray_SIZE(a);
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(a) == NPY_FLOAT64)
        finite = hs_all_finite_f64((const double *)PyArray_DATA(a), count);
    else
        finite = hs_all_finite_f32((const float *)PyArray_DATA(a), count);
    Py_END_ALLOW_THREADS
    return PyBool_FromLong(finite);
}

/* ------------------------------------------------------------------------- */
/* Indices                                                                   */
/* ------------------------------------------------------------------------- */

static PyObject *py_player_values(PyObject *self, PyObject *args) {
    PyArrayObject *m, *out;
    PyObject *extra_obj;
    PyArrayObject *extra = NULL;
    int index, n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!OO!i", &PyArray_Type, &m, &extra_obj, &PyArray_Type,
                          &out, &index))
        return NULL;
    if (check_real_array(m, "interactions", 0) || check_real_array(out, "out", 1) ||
        game_shape(m, "interactions", &n, &batch))
        return NULL;
    if (extra_obj != Py_None) {
        if (!PyArray_Check(extra_obj)) {
            PyErr_SetString(PyExc_TypeError, "or_interactions must be an array or None");
            return NULL;
        }
        extra = (PyArrayObject *)extra_obj;
        if (check_real_array(extra, "or_interactions", 0) ||
            same_shape_and_type(m, extra, "or_interactions"))
            return NULL;
    }
    if (PyArray_TYPE(out) != PyArray_TYPE(m) || PyArray_SIZE(out) != batch * n) {
        PyErr_SetString(PyExc_ValueError, "out must hold batch * n values of the input dtype");
        return NULL;
    }
    if (index != HS_SHAPLEY && index != HS_BANZHAF) {
        PyErr_Format(PyExc_ValueError, "unknown player value %d", index);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(m) == NPY_FLOAT64)
        status = hs_player_values_f64(
            (const double *)PyArray_DATA(m),
            extra ? (const double *)PyArray_DATA(extra) : NULL,
            (double *)PyArray_DATA(out), batch, n, index);
    else
        status = hs_player_values_f32(
            (const float *)PyArray_DATA(m),
            extra ? (const float *)PyArray_DATA(extra) : NULL,
            (float *)PyArray_DATA(out), batch, n, index);
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
    if (check_real_array(m, "interactions", 0) || check_real_array(out, "out", 1) ||
        same_shape_and_type(m, out, "out") || game_shape(m, "interactions", &n, &batch))
        return NULL;
    if (overlaps(m, out)) {
        PyErr_SetString(PyExc_ValueError, "out must not overlap the input");
        return NULL;
    }
    if (index != HS_SII && index != HS_BII) {
        PyErr_Format(PyExc_ValueError, "unknown interaction index %d", index);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (PyArray_TYPE(m) == NPY_FLOAT64)
        status = hs_superset_index_f64((const double *)PyArray_DATA(m),
                                       (double *)PyArray_DATA(out), batch, n, index);
    else
        status = hs_superset_index_f32((const float *)PyArray_DATA(m),
                                       (float *)PyArray_DATA(out), batch, n, index);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------- */
/* Order statistics                                                          */
/* ------------------------------------------------------------------------- */

/* Raises and returns -1 unless `a` is a writeable (if asked) contiguous float64 array of `count`. */
static int check_f64(PyArrayObject *a, const char *name, hs_index count, int writeable) {
    if (PyArray_TYPE(a) != NPY_FLOAT64 || !PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a) ||
        (writeable && !PyArray_ISWRITEABLE(a)) || PyArray_SIZE(a) != count) {
        PyErr_Format(PyExc_ValueError, "%s must be a%s contiguous float64 array of %zd values",
                     name, writeable ? " writeable" : "", (Py_ssize_t)count);
        return -1;
    }
    return 0;
}

static int check_stats_output(PyArrayObject *a, const char *name, int type,
                              hs_index count) {
    if (PyArray_TYPE(a) != type || !PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a) ||
        !PyArray_ISWRITEABLE(a) || PyArray_SIZE(a) != count) {
        PyErr_Format(PyExc_ValueError, "%s must be a writeable contiguous array of %zd "
                     "values of the right dtype", name, (Py_ssize_t)count);
        return -1;
    }
    return 0;
}

static PyObject *py_order_stats(PyObject *self, PyObject *args) {
    PyArrayObject *inter, *thr, *pos, *neg, *abs_, *cnt;
    int n, status;
    hs_index batch;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!", &PyArray_Type, &inter, &PyArray_Type, &thr,
                          &PyArray_Type, &pos, &PyArray_Type, &neg, &PyArray_Type, &abs_,
                          &PyArray_Type, &cnt))
        return NULL;
    if (check_real_array(inter, "interactions", 0) || game_shape(inter, "interactions", &n, &batch))
        return NULL;
    const int type = PyArray_TYPE(inter);
    const hs_index width = batch * (n + 1);
    if (check_stats_output(pos, "positive", type, width) ||
        check_stats_output(neg, "negative", type, width) ||
        check_stats_output(abs_, "absolute", type, width) ||
        check_stats_output(cnt, "count", NPY_INT64, width) ||
        check_f64(thr, "threshold", batch, 0))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    if (type == NPY_FLOAT64)
        status = hs_order_stats_f64(
            (const double *)PyArray_DATA(inter), batch, n, (const double *)PyArray_DATA(thr),
            (double *)PyArray_DATA(pos), (double *)PyArray_DATA(neg),
            (double *)PyArray_DATA(abs_), (int64_t *)PyArray_DATA(cnt));
    else
        status = hs_order_stats_f32(
            (const float *)PyArray_DATA(inter), batch, n, (const double *)PyArray_DATA(thr),
            (float *)PyArray_DATA(pos), (float *)PyArray_DATA(neg),
            (float *)PyArray_DATA(abs_), (int64_t *)PyArray_DATA(cnt));
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------- */
/* AND-OR decomposition                                                      */
/* ------------------------------------------------------------------------- */

/* Checks the arrays both AND-OR solvers take (values, tau, and/or/noise outputs) and
   reads n and the batch; raises and returns -1 if one does not fit. */
static int check_and_or_arrays(PyArrayObject *v, PyArrayObject *tau, PyArrayObject *a,
                               PyArrayObject *o, PyArrayObject *noise, int *n,
                               hs_index *batch) {
    if (check_real_array(v, "values", 0) || game_shape(v, "values", n, batch)) return -1;
    const hs_index count = *batch << *n;
    return check_f64(v, "values", count, 0) || check_f64(tau, "tau", *batch, 0) ||
                   check_f64(a, "and_out", count, 1) || check_f64(o, "or_out", count, 1) ||
                   check_f64(noise, "noise_out", count, 1)
               ? -1
               : 0;
}

/* A start for the PDHG from None or (and_start, or_start, dual_start, weight); 0 or -1. */
static int pdhg_start(PyObject *arg, hs_index batch, int n, hs_pdhg_start *start,
                      int *given) {
    PyArrayObject *a, *o, *y, *weight;
    *given = arg != Py_None;
    if (!*given) return 0;
    if (!PyArg_ParseTuple(arg, "O!O!O!O!;start must be (and, or, dual, weight) arrays",
                          &PyArray_Type, &a, &PyArray_Type, &o, &PyArray_Type, &y,
                          &PyArray_Type, &weight))
        return -1;
    const hs_index count = batch << n;
    if (check_f64(a, "and_start", count, 0) || check_f64(o, "or_start", count, 0) ||
        check_f64(y, "dual_start", count, 0) || check_f64(weight, "weight_start", batch, 0))
        return -1;
    start->and_start = PyArray_DATA(a);
    start->or_start = PyArray_DATA(o);
    start->dual_start = PyArray_DATA(y);
    start->weight = PyArray_DATA(weight);
    return 0;
}

static PyObject *py_and_or_pdhg(PyObject *self, PyObject *args) {
    PyArrayObject *v, *tau, *a, *o, *noise, *dual, *info;
    PyObject *start_arg;
    int n, status, given;
    hs_index batch;
    hs_pdhg_options options;
    hs_pdhg_start start;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!iidddpO", &PyArray_Type, &v, &PyArray_Type,
                          &tau, &PyArray_Type, &a, &PyArray_Type, &o, &PyArray_Type, &noise,
                          &PyArray_Type, &dual, &PyArray_Type, &info, &options.max_iter,
                          &options.check_every, &options.tol, &options.weight, &options.step,
                          &options.mixed, &start_arg))
        return NULL;
    if (check_and_or_arrays(v, tau, a, o, noise, &n, &batch) ||
        check_f64(dual, "dual_out", batch << n, 1) ||
        check_f64(info, "info", batch * HS_INFO_FIELDS, 1) ||
        pdhg_start(start_arg, batch, n, &start, &given))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = hs_and_or_pdhg((const double *)PyArray_DATA(v), (const double *)PyArray_DATA(tau),
                            (double *)PyArray_DATA(a), (double *)PyArray_DATA(o),
                            (double *)PyArray_DATA(noise), (double *)PyArray_DATA(dual), batch,
                            n, &options, given ? &start : NULL, (double *)PyArray_DATA(info));
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
    if (check_and_or_arrays(v, tau, a, o, noise, &n, &batch) ||
        check_f64(objective, "objective", batch, 1))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = hs_and_or_sgd((const double *)PyArray_DATA(v), (const double *)PyArray_DATA(tau),
                           (double *)PyArray_DATA(a), (double *)PyArray_DATA(o),
                           (double *)PyArray_DATA(noise), (double *)PyArray_DATA(objective),
                           batch, n, iterations, lr, momentum);
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
    if (check_real_array(w, "w_star", 0) || game_shape(w, "w_star", &n, &batch)) return NULL;
    const hs_index count = (hs_index)PyArray_SIZE(sigma2);
    if (check_f64(w, "w_star", batch << n, 0) || check_f64(sigma2, "sigma2", count, 0) ||
        check_f64(out, "out", (batch * count) << n, 1))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    status = hs_theory_predict((const double *)PyArray_DATA(w),
                               (const double *)PyArray_DATA(sigma2),
                               (double *)PyArray_DATA(out), batch, count, n);
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------- */
/* Model outputs                                                             */
/* ------------------------------------------------------------------------- */

/* Raises and returns -1 unless `a` is an aligned, contiguous int64 vector of `length`. */
static int check_int64_vector(PyArrayObject *a, const char *name, npy_intp length) {
    if (PyArray_TYPE(a) != NPY_INT64 || PyArray_NDIM(a) != 1 || PyArray_DIM(a, 0) != length ||
        !PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a) || !PyArray_ISNOTSWAPPED(a)) {
        PyErr_Format(PyExc_ValueError, "%s must be a contiguous int64 vector of length %zd",
                     name, (Py_ssize_t)length);
        return -1;
    }
    return 0;
}

static PyObject *py_log_odds_parts(PyObject *self, PyObject *args) {
    PyArrayObject *logits, *targets, *base, *rest;
    int status;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyArray_Type, &logits, &PyArray_Type, &targets,
                          &PyArray_Type, &base, &PyArray_Type, &rest))
        return NULL;
    const int type = PyArray_TYPE(logits);
    if ((type != NPY_FLOAT64 && type != NPY_FLOAT32) || PyArray_NDIM(logits) != 2 ||
        !PyArray_ISALIGNED(logits) || !PyArray_ISNOTSWAPPED(logits)) {
        PyErr_SetString(PyExc_ValueError,
                        "logits must be an aligned, native-order float32/float64 matrix");
        return NULL;
    }
    const npy_intp rows = PyArray_DIM(logits, 0), classes = PyArray_DIM(logits, 1);
    const npy_intp item = PyArray_ITEMSIZE(logits);
    if (PyArray_STRIDE(logits, 0) % item || PyArray_STRIDE(logits, 1) % item) {
        PyErr_SetString(PyExc_ValueError, "logits' strides must be whole elements");
        return NULL;
    }
    /* rest holds classes - 2 shifted logits per row, row after row. */
    const npy_intp width = classes >= 2 ? classes - 2 : 0;
    if (check_int64_vector(targets, "targets", rows) || check_f64(base, "base", rows, 1) ||
        check_f64(rest, "rest", rows * width, 1))
        return NULL;
    const hs_index row_stride = PyArray_STRIDE(logits, 0) / item;
    const hs_index class_stride = PyArray_STRIDE(logits, 1) / item;
    Py_BEGIN_ALLOW_THREADS
    if (type == NPY_FLOAT64)
        status = hs_log_odds_parts_f64((const double *)PyArray_DATA(logits), rows, classes,
                                       row_stride, class_stride,
                                       (const int64_t *)PyArray_DATA(targets),
                                       (double *)PyArray_DATA(base), (double *)PyArray_DATA(rest));
    else
        status = hs_log_odds_parts_f32((const float *)PyArray_DATA(logits), rows, classes,
                                       row_stride, class_stride,
                                       (const int64_t *)PyArray_DATA(targets),
                                       (double *)PyArray_DATA(base), (double *)PyArray_DATA(rest));
    Py_END_ALLOW_THREADS
    if (raise_status(status)) return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------- */
/* Threads                                                                   */
/* ------------------------------------------------------------------------- */

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

/* ------------------------------------------------------------------------- */
/* Module                                                                    */
/* ------------------------------------------------------------------------- */

static PyMethodDef core_methods[] = {
    {"transform", py_transform, METH_VARARGS,
     "transform(input, out, kind) -> bool: out = T_kind(input); False if input held NaN/Inf."},
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
     "and_or_pdhg(v, tau, and_out, or_out, noise_out, dual_out, info, max_iter, check_every, "
     "tol, weight, step, mixed, start): the AND-OR decomposition by restarted PDHG; start is "
     "None or (and_start, or_start, dual_start, weight_start)."},
    {"and_or_sgd", py_and_or_sgd, METH_VARARGS,
     "and_or_sgd(v, tau, and_out, or_out, noise_out, objective, iterations, lr, momentum): "
     "the published SGD schedule on butterflies."},
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
    PyObject *module = PyModule_Create(&core_module);
    if (!module) return NULL;
#ifdef _OPENMP
    const long openmp = 1;
#else
    const long openmp = 0;
#endif
    if (PyModule_AddIntConstant(module, "HAS_OPENMP", openmp) ||
        PyModule_AddIntConstant(module, "MAX_PLAYERS", HS_MAX_PLAYERS) ||
        PyModule_AddIntConstant(module, "AND_INTERACTIONS", HS_AND_INTERACTIONS) ||
        PyModule_AddIntConstant(module, "AND_VALUES", HS_AND_VALUES) ||
        PyModule_AddIntConstant(module, "OR_INTERACTIONS", HS_OR_INTERACTIONS) ||
        PyModule_AddIntConstant(module, "OR_VALUES", HS_OR_VALUES) ||
        PyModule_AddIntConstant(module, "AND_INTERACTIONS_T", HS_AND_INTERACTIONS_T) ||
        PyModule_AddIntConstant(module, "AND_VALUES_T", HS_AND_VALUES_T) ||
        PyModule_AddIntConstant(module, "OR_INTERACTIONS_T", HS_OR_INTERACTIONS_T) ||
        PyModule_AddIntConstant(module, "OR_VALUES_T", HS_OR_VALUES_T) ||
        PyModule_AddIntConstant(module, "SHAPLEY", HS_SHAPLEY) ||
        PyModule_AddIntConstant(module, "BANZHAF", HS_BANZHAF) ||
        PyModule_AddIntConstant(module, "SII", HS_SII) ||
        PyModule_AddIntConstant(module, "BII", HS_BII) ||
        PyModule_AddIntConstant(module, "INFO_FIELDS", HS_INFO_FIELDS)) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
