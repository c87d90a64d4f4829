/* SM4-GCM (GB/T 32907 in GCM) through libgcrypt, for application/sealing.py.
 *
 * Why a binding of our own: `cryptography` has no SM4 AEAD class, so each seal and each open
 * builds an OpenSSL cipher context through its Python API (about 2 µs) and runs OpenSSL's
 * portable C SM4 (about 8 ns a byte on x86-64); libgcrypt (Debian's libgcrypt20, in every
 * Debian image) runs SM4 with AES-NI/AVX2 and GFNI, and one call here does the whole
 * operation. The bytes are GCM's as OpenSSL makes them (tests/unit/test_sealing_native.py
 * compares both on the same inputs). Without gcc or libgcrypt's headers this module is not
 * built and sealing.py uses `cryptography` (setup.py marks it optional).
 *
 * One libgcrypt handle per call, closed (and so wiped) before returning: no key schedule
 * outlives the call, and nothing is shared between threads. The GIL is let go for large
 * inputs only: for a field of a few hundred bytes letting it go costs more than the cipher. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <gcrypt.h>

#define KEY_BYTES 16
#define NONCE_BYTES 12
#define TAG_BYTES 16
#define UNLOCKED_FROM 65536
#define LIBGCRYPT_NEEDED "1.9.0" /* SM4 and SM4-GCM first shipped in 1.9.0 */

static PyObject *
refused(gcry_error_t err)
{
    return PyErr_Format(PyExc_RuntimeError, "libgcrypt SM4-GCM: %s", gcry_strerror(err));
}

static int
lengths_hold(const Py_buffer *key, const Py_buffer *nonce)
{
    if (key->len != KEY_BYTES) {
        PyErr_SetString(PyExc_ValueError, "an SM4 key is 16 bytes");
        return 0;
    }
    if (nonce->len != NONCE_BYTES) {
        PyErr_SetString(PyExc_ValueError, "an SM4-GCM nonce is 12 bytes here");
        return 0;
    }
    return 1;
}

/* A handle keyed, given its nonce and the associated data; closed again on any error. */
static gcry_error_t
started(gcry_cipher_hd_t *handle, const Py_buffer *key, const Py_buffer *nonce,
        const Py_buffer *associated)
{
    gcry_error_t err = gcry_cipher_open(handle, GCRY_CIPHER_SM4, GCRY_CIPHER_MODE_GCM, 0);
    if (err)
        return err;
    err = gcry_cipher_setkey(*handle, key->buf, (size_t)key->len);
    if (!err)
        err = gcry_cipher_setiv(*handle, nonce->buf, (size_t)nonce->len);
    if (!err && associated->len > 0)
        err = gcry_cipher_authenticate(*handle, associated->buf, (size_t)associated->len);
    if (err)
        gcry_cipher_close(*handle);
    return err;
}

static gcry_error_t
sealed_into(gcry_cipher_hd_t handle, unsigned char *out, const Py_buffer *data)
{
    gcry_error_t err = 0;
    size_t length = (size_t)data->len;
    if (length > 0)
        err = gcry_cipher_encrypt(handle, out, length, data->buf, length);
    if (!err)
        err = gcry_cipher_gettag(handle, out + length, TAG_BYTES);
    return err;
}

static gcry_error_t
opened_into(gcry_cipher_hd_t handle, unsigned char *out, const Py_buffer *sealed)
{
    gcry_error_t err = 0;
    size_t length = (size_t)sealed->len - TAG_BYTES;
    const unsigned char *in = sealed->buf;
    if (length > 0)
        err = gcry_cipher_decrypt(handle, out, length, in, length);
    if (!err)
        err = gcry_cipher_checktag(handle, in + length, TAG_BYTES);
    return err;
}

static PyObject *
seal(PyObject *module, PyObject *args)
{
    Py_buffer key, nonce, data, associated;
    PyObject *result = NULL;
    gcry_cipher_hd_t handle;
    gcry_error_t err;
    (void)module;
    if (!PyArg_ParseTuple(args, "y*y*y*y*:seal", &key, &nonce, &data, &associated))
        return NULL;
    if (!lengths_hold(&key, &nonce))
        goto done;
    if (data.len > PY_SSIZE_T_MAX - TAG_BYTES) {
        PyErr_SetString(PyExc_OverflowError, "too much to seal at once");
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, data.len + TAG_BYTES);
    if (result == NULL)
        goto done;
    err = started(&handle, &key, &nonce, &associated);
    if (!err) {
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
        if (data.len >= UNLOCKED_FROM) {
            Py_BEGIN_ALLOW_THREADS
            err = sealed_into(handle, out, &data);
            Py_END_ALLOW_THREADS
        } else {
            err = sealed_into(handle, out, &data);
        }
        gcry_cipher_close(handle);
    }
    if (err) {
        Py_CLEAR(result);
        refused(err);
    }
done:
    PyBuffer_Release(&key);
    PyBuffer_Release(&nonce);
    PyBuffer_Release(&data);
    PyBuffer_Release(&associated);
    return result;
}

/* The plain bytes, or None when the tag does not match (changed bytes, another key, another
 * nonce or associated data): the caller raises cryptography's InvalidTag, as for AES-GCM.
 * What was decrypted before the tag was checked is wiped, never returned. */
static PyObject *
open_sealed(PyObject *module, PyObject *args)
{
    Py_buffer key, nonce, sealed, associated;
    PyObject *result = NULL;
    gcry_cipher_hd_t handle;
    gcry_error_t err;
    (void)module;
    if (!PyArg_ParseTuple(args, "y*y*y*y*:open", &key, &nonce, &sealed, &associated))
        return NULL;
    if (!lengths_hold(&key, &nonce))
        goto done;
    if (sealed.len < TAG_BYTES) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, sealed.len - TAG_BYTES);
    if (result == NULL)
        goto done;
    err = started(&handle, &key, &nonce, &associated);
    if (!err) {
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
        if (sealed.len >= UNLOCKED_FROM) {
            Py_BEGIN_ALLOW_THREADS
            err = opened_into(handle, out, &sealed);
            Py_END_ALLOW_THREADS
        } else {
            err = opened_into(handle, out, &sealed);
        }
        gcry_cipher_close(handle);
    }
    if (err) {
        memset(PyBytes_AS_STRING(result), 0, (size_t)PyBytes_GET_SIZE(result));
        Py_CLEAR(result);
        if (gcry_err_code(err) == GPG_ERR_CHECKSUM)
            result = Py_NewRef(Py_None);
        else
            refused(err);
    }
done:
    PyBuffer_Release(&key);
    PyBuffer_Release(&nonce);
    PyBuffer_Release(&sealed);
    PyBuffer_Release(&associated);
    return result;
}

static PyObject *
version(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyUnicode_FromString(gcry_check_version(NULL));
}

static PyMethodDef methods[] = {
    {"seal", seal, METH_VARARGS,
     "seal(key, nonce, data, associated_data) -> ciphertext + 16-byte tag"},
    {"open", open_sealed, METH_VARARGS,
     "open(key, nonce, ciphertext_and_tag, associated_data) -> plain bytes, or None when the "
     "tag does not match"},
    {"version", version, METH_NOARGS, "the libgcrypt version in use"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef definition = {
    PyModuleDef_HEAD_INIT,
    .m_name = "application._sm4gcm",
    .m_doc = "SM4-GCM through libgcrypt (see application/_sm4gcm.c).",
    .m_size = -1,
    .m_methods = methods,
};

/* libgcrypt initialised as its manual asks of a library's user: the version checked first,
 * then initialisation finished unless the process already did it. No secure memory is
 * asked for (each handle is wiped on close). A libgcrypt without SM4 (too old, or in FIPS
 * mode, which refuses SM4) makes the import fail, and sealing.py uses `cryptography`. */
PyMODINIT_FUNC
PyInit__sm4gcm(void)
{
    if (gcry_check_version(LIBGCRYPT_NEEDED) == NULL) {
        PyErr_Format(PyExc_ImportError, "libgcrypt %s or later is needed for SM4-GCM",
                     LIBGCRYPT_NEEDED);
        return NULL;
    }
    if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
    if (gcry_cipher_algo_info(GCRY_CIPHER_SM4, GCRYCTL_TEST_ALGO, NULL, NULL) != 0 ||
        gcry_cipher_get_algo_keylen(GCRY_CIPHER_SM4) != KEY_BYTES) {
        PyErr_SetString(PyExc_ImportError, "this libgcrypt does not offer SM4");
        return NULL;
    }
    return PyModule_Create(&definition);
}
