/* The quote rules of framing/quotes.py in C (the module docstring there
 * states the rules; its Python ``_found`` is the reference this file must
 * equal span for span, and the tests compare the two on random texts).
 *
 * One pass over the characters of a str: a table lookup per character
 * finds the quote marks and paragraph ends; at a mark the rules run on a
 * stack of open spans.  Letter/digit and space are decided with the
 * macros that implement str.isalnum and str.isspace, and the elision
 * digits with the one behind re's \d (str.isdecimal), so the results are
 * those of the Python code for every character, non-BMP included (the
 * str is read by code point, whatever its storage kind).
 *
 * Functions (both take one str):
 *   found(text)     -> list of (start, end, kind, closed), in the order
 *                      the spans were closed, as quotes._found returns them
 *   intervals(text) -> tuple of (start, end): the outermost spans, touching
 *                      ones merged, as quotes.quoted_intervals returns them
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

/* character classes of the scan */
#define C_MARK 1
#define C_BREAK 2

static unsigned char BMP[0x10000];  /* class of each BMP character (0: neither) */
#define LOW BMP                      /* U+0000..U+00FF */

static PyObject *DOUBLE_STR;       /* "double" */
static PyObject *SINGLE_STR;       /* "single" */

typedef struct {
    Py_ssize_t start;
    Py_UCS4 mark;
    int single;
} Open;

typedef struct {
    Py_ssize_t start;
    Py_ssize_t end;
    int single;
    int closed;
} Span;

#define BUFFER 32

typedef struct {
    Open *stack;
    Py_ssize_t depth, stack_cap;
    Span *found;
    Py_ssize_t nfound, found_cap;
    Open stack_buf[BUFFER];
    Span found_buf[BUFFER];
} Machine;

static void
machine_init(Machine *m)
{
    m->stack = m->stack_buf;
    m->depth = 0;
    m->stack_cap = BUFFER;
    m->found = m->found_buf;
    m->nfound = 0;
    m->found_cap = BUFFER;
}

static void
machine_free(Machine *m)
{
    if (m->stack != m->stack_buf) {
        PyMem_Free(m->stack);
    }
    if (m->found != m->found_buf) {
        PyMem_Free(m->found);
    }
}

/* Double the capacity of ``*items`` (``size`` bytes each); -1 with
 * MemoryError set on failure. */
static int
grow(void **items, Py_ssize_t *cap, void *inline_buf, size_t size)
{
    Py_ssize_t new_cap = *cap * 2;
    void *fresh;
    if ((size_t)new_cap > PY_SSIZE_T_MAX / size) {
        PyErr_NoMemory();
        return -1;
    }
    if (*items == inline_buf) {
        fresh = PyMem_Malloc((size_t)new_cap * size);
        if (fresh != NULL) {
            memcpy(fresh, *items, (size_t)*cap * size);
        }
    }
    else {
        fresh = PyMem_Realloc(*items, (size_t)new_cap * size);
    }
    if (fresh == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *items = fresh;
    *cap = new_cap;
    return 0;
}

static int
push(Machine *m, Py_ssize_t start, Py_UCS4 mark, int single)
{
    if (m->depth == m->stack_cap
            && grow((void **)&m->stack, &m->stack_cap, m->stack_buf, sizeof(Open)) < 0) {
        return -1;
    }
    m->stack[m->depth].start = start;
    m->stack[m->depth].mark = mark;
    m->stack[m->depth].single = single;
    m->depth++;
    return 0;
}

static int
add(Machine *m, Py_ssize_t start, Py_ssize_t end, int single, int closed)
{
    if (m->nfound == m->found_cap
            && grow((void **)&m->found, &m->found_cap, m->found_buf, sizeof(Span)) < 0) {
        return -1;
    }
    m->found[m->nfound].start = start;
    m->found[m->nfound].end = end;
    m->found[m->nfound].single = single;
    m->found[m->nfound].closed = closed;
    m->nfound++;
    return 0;
}

/* Close the nearest open double span at ``end``; the single spans opened
 * inside it are dropped (rule 7).  The caller knows one is open. */
static int
close_double(Machine *m, Py_ssize_t end)
{
    while (m->depth > 0) {
        Open *top = &m->stack[--m->depth];
        if (!top->single) {
            return add(m, top->start, end, 0, 1);
        }
    }
    return 0;
}

/* Rule 8: the open double spans end, unclosed, at ``at``; the stack is
 * emptied. */
static int
unclosed(Machine *m, Py_ssize_t at)
{
    Py_ssize_t k;
    for (k = 0; k < m->depth; k++) {
        if (!m->stack[k].single && add(m, m->stack[k].start, at, 0, 0) < 0) {
            return -1;
        }
    }
    m->depth = 0;
    return 0;
}

static inline int
is_single(Py_UCS4 c)
{
    return c == '\'' || c == 0x2018 || c == 0x2019;
}

/* ( [ { < and the dashes: a mark after one is in opening context */
static inline int
opens_after(Py_UCS4 c)
{
    return c == '(' || c == '[' || c == '{' || c == '<' || c == '-'
        || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* the letters of (?i:em|til|tis|twas) as re matches them case-insensitively */
static inline int
is_e(Py_UCS4 c) { return c == 'e' || c == 'E'; }
static inline int
is_m(Py_UCS4 c) { return c == 'm' || c == 'M'; }
static inline int
is_t(Py_UCS4 c) { return c == 't' || c == 'T'; }
static inline int
is_i(Py_UCS4 c) { return c == 'i' || c == 'I' || c == 0x130 || c == 0x131; }
static inline int
is_l(Py_UCS4 c) { return c == 'l' || c == 'L'; }
static inline int
is_s(Py_UCS4 c) { return c == 's' || c == 'S' || c == 0x17F; }
static inline int
is_w(Py_UCS4 c) { return c == 'w' || c == 'W'; }
static inline int
is_a(Py_UCS4 c) { return c == 'a' || c == 'A'; }

/* Rule 1's elisions after the single mark at ``i``, as the pattern
 * ``(?:\d\d[sS]?|(?i:em|til|tis|twas)|[nN][SINGLES])(?!A)`` reads them:
 * the end of the match (mark included), or ``i + 1`` when none follows. */
static Py_ssize_t
elision_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t i)
{
    Py_ssize_t j = i + 1;
    Py_ssize_t tail = -1;  /* the offset after the elision's characters */
    Py_UCS4 c1, c2;
    if (j + 1 >= n) {
        return i + 1;  /* every elision has two characters at least */
    }
    c1 = PyUnicode_READ(kind, data, j);
    c2 = PyUnicode_READ(kind, data, j + 1);
    if (Py_UNICODE_ISDECIMAL(c1)) {
        if (Py_UNICODE_ISDECIMAL(c2)) {
            Py_ssize_t k = j + 2;
            if (k < n) {
                Py_UCS4 c3 = PyUnicode_READ(kind, data, k);
                if (c3 == 's' || c3 == 'S') {
                    /* [sS] taken: only a match if no letter/digit follows;
                     * without it the s itself is a letter after the digits */
                    if (k + 1 >= n || !Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, k + 1))) {
                        return k + 1;
                    }
                    return i + 1;
                }
            }
            tail = k;
        }
    }
    else if (is_e(c1)) {
        if (is_m(c2)) {
            tail = j + 2;
        }
    }
    else if (is_t(c1)) {
        if (is_i(c2)) {
            if (j + 2 < n) {
                Py_UCS4 c3 = PyUnicode_READ(kind, data, j + 2);
                if (is_l(c3) || is_s(c3)) {
                    tail = j + 3;
                }
            }
        }
        else if (is_w(c2)) {
            if (j + 3 < n && is_a(PyUnicode_READ(kind, data, j + 2))
                    && is_s(PyUnicode_READ(kind, data, j + 3))) {
                tail = j + 4;
            }
        }
    }
    else if (c1 == 'n' || c1 == 'N') {
        if (is_single(c2)) {
            tail = j + 2;
        }
    }
    if (tail < 0) {
        return i + 1;
    }
    if (tail < n && Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, tail))) {
        return i + 1;
    }
    return tail;
}

/* The next offset at or after ``i`` holding a quote mark or a paragraph
 * end (``n``: none).  Eight characters at a time: their table entries
 * OR-ed, one branch per eight (most eights hold neither). */
#define SCAN_EIGHT(TABLE)                                                        \
    while (i + 8 <= n) {                                                         \
        if (TABLE[p[i]] | TABLE[p[i + 1]] | TABLE[p[i + 2]] | TABLE[p[i + 3]]    \
            | TABLE[p[i + 4]] | TABLE[p[i + 5]] | TABLE[p[i + 6]] | TABLE[p[i + 7]]) { \
            break;                                                               \
        }                                                                        \
        i += 8;                                                                  \
    }

static Py_ssize_t
next_special(int kind, const void *data, Py_ssize_t i, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = (const Py_UCS1 *)data;
        SCAN_EIGHT(LOW)
        while (i < n && !LOW[p[i]]) {
            i++;
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = (const Py_UCS2 *)data;
        SCAN_EIGHT(BMP)
        while (i < n && !BMP[p[i]]) {
            i++;
        }
    }
    else {
        const Py_UCS4 *p = (const Py_UCS4 *)data;
        for (; i < n; i++) {
            Py_UCS4 c = p[i];
            if (c < 0x10000 && BMP[c]) {
                break;
            }
        }
    }
    return i;
}

static inline unsigned char
char_class(Py_UCS4 c)
{
    return c < 0x10000 ? BMP[c] : 0;
}

/* The stack machine: fills m->found as quotes._found does; -1 on error. */
static int
run(Machine *m, PyObject *text)
{
    int kind;
    const void *data;
    Py_ssize_t n;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {  /* a legacy str built from wchar_t (3.11 and older) */
        return -1;
    }
#endif
    kind = PyUnicode_KIND(text);
    data = PyUnicode_DATA(text);
    n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t i = 0;
    Py_ssize_t pending = -1;    /* the first paragraph end after the last match, while a span is open */
    Py_ssize_t last_open = -2;  /* offset of the last mark that opened a span */
    Py_ssize_t doubles = 0;     /* double spans on the stack */

    for (;;) {
        Py_UCS4 c, prev, after;
        int has_after, single, open_context;
        Py_ssize_t end;

        i = next_special(kind, data, i, n);
        if (i >= n) {
            break;
        }
        c = PyUnicode_READ(kind, data, i);
        if (char_class(c) == C_BREAK) {
            if (pending < 0 && m->depth > 0) {
                pending = i;
            }
            i++;
            continue;
        }
        prev = i > 0 ? PyUnicode_READ(kind, data, i - 1) : 0;
        has_after = i + 1 < n;
        after = has_after ? PyUnicode_READ(kind, data, i + 1) : 0;
        single = is_single(c);
        /* rule 1: a single mark between two letters/digits is not a mark at all */
        if (single && i > 0 && has_after && Py_UNICODE_ISALNUM(prev) && Py_UNICODE_ISALNUM(after)) {
            i++;
            continue;
        }
        end = single ? elision_end(kind, data, n, i) : i + 1;
        /* rule 8: a paragraph ended with spans open */
        if (m->depth > 0 && pending >= 0) {
            if (unclosed(m, pending) < 0) {
                return -1;
            }
            doubles = 0;
        }
        pending = -1;
        if (end != i + 1) {
            i = end;  /* rule 1: an elision */
            continue;
        }
        open_context = i == 0 || i - 1 == last_open || Py_UNICODE_ISSPACE(prev) || opens_after(prev);
        if (c == '"') {
            /* rule 4 */
            if (has_after && !Py_UNICODE_ISSPACE(after) && open_context) {
                if (push(m, i, c, 0) < 0) {
                    return -1;
                }
                last_open = i;
                doubles++;
            }
            else if (doubles) {
                if (close_double(m, i + 1) < 0) {
                    return -1;
                }
                doubles--;
            }
            else if (i > 0 && has_after && Py_UNICODE_ISALNUM(after)
                     && !Py_UNICODE_ISALNUM(prev) && !Py_UNICODE_ISSPACE(prev)) {
                if (push(m, i, c, 0) < 0) {
                    return -1;
                }
                last_open = i;
                doubles++;
            }
        }
        else if (single) {
            /* rules 5 and 6 */
            if (c != 0x2019 && has_after && !Py_UNICODE_ISSPACE(after) && open_context) {
                if (push(m, i, c, 1) < 0) {
                    return -1;
                }
                last_open = i;
            }
            else if (c != 0x2018 && i > 0 && !Py_UNICODE_ISSPACE(prev)
                     && !(has_after && Py_UNICODE_ISALNUM(after))
                     && m->depth > 0 && m->stack[m->depth - 1].single) {
                m->depth--;
                if (add(m, m->stack[m->depth].start, i + 1, 1, 1) < 0) {
                    return -1;
                }
            }
        }
        else {
            int closes = c == 0x201D || c == 0x00BB;
            if (!closes && c == 0x201C && doubles && i > 0 && !Py_UNICODE_ISSPACE(prev)
                    && !(has_after && Py_UNICODE_ISALNUM(after))) {
                /* rule 2's exception: the nearest open double span was opened by „ */
                Py_ssize_t k = m->depth - 1;
                while (m->stack[k].single) {
                    k--;
                }
                closes = m->stack[k].mark == 0x201E;
            }
            if (closes) {
                /* rule 3 */
                if (doubles) {
                    if (close_double(m, i + 1) < 0) {
                        return -1;
                    }
                    doubles--;
                }
            }
            else {
                /* rule 2 */
                if (push(m, i, c, 0) < 0) {
                    return -1;
                }
                last_open = i;
                doubles++;
            }
        }
        i++;
    }
    if (m->depth > 0) {
        return unclosed(m, pending >= 0 ? pending : n);
    }
    return 0;
}

static int
check_text(PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "text: expected a string, got %.200s", Py_TYPE(text)->tp_name);
        return -1;
    }
    return 0;
}

static PyObject *
quotes_found(PyObject *module, PyObject *text)
{
    Machine m;
    PyObject *out = NULL;
    Py_ssize_t k;
    if (check_text(text) < 0) {
        return NULL;
    }
    machine_init(&m);
    if (run(&m, text) < 0) {
        goto done;
    }
    out = PyList_New(m.nfound);
    if (out == NULL) {
        goto done;
    }
    for (k = 0; k < m.nfound; k++) {
        Span *s = &m.found[k];
        PyObject *item = Py_BuildValue("(nnOO)", s->start, s->end, s->single ? SINGLE_STR : DOUBLE_STR,
                                       s->closed ? Py_True : Py_False);
        if (item == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, k, item);
    }
done:
    machine_free(&m);
    return out;
}

static int
by_start(const void *a, const void *b)
{
    Py_ssize_t x = ((const Span *)a)->start, y = ((const Span *)b)->start;
    return (x > y) - (x < y);
}

static PyObject *
quotes_intervals(PyObject *module, PyObject *text)
{
    Machine m;
    PyObject *out = NULL;
    Py_ssize_t k, count = 0, outer_end = -1;
    if (check_text(text) < 0) {
        return NULL;
    }
    machine_init(&m);
    if (run(&m, text) < 0) {
        goto done;
    }
    /* every span starts at its own mark: sorting by start orders them */
    qsort(m.found, (size_t)m.nfound, sizeof(Span), by_start);
    /* the outermost spans (spans are properly nested), touching ones merged, in place */
    for (k = 0; k < m.nfound; k++) {
        Span *s = &m.found[k];
        if (s->start < outer_end) {
            continue;
        }
        if (count > 0 && s->start == outer_end) {
            m.found[count - 1].end = s->end;
        }
        else {
            m.found[count].start = s->start;
            m.found[count].end = s->end;
            count++;
        }
        outer_end = s->end;
    }
    out = PyTuple_New(count);
    if (out == NULL) {
        goto done;
    }
    for (k = 0; k < count; k++) {
        PyObject *item = Py_BuildValue("(nn)", m.found[k].start, m.found[k].end);
        if (item == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyTuple_SET_ITEM(out, k, item);
    }
done:
    machine_free(&m);
    return out;
}

static PyMethodDef methods[] = {
    {"found", (PyCFunction)quotes_found, METH_O,
     "found(text, /)\n--\n\nThe quotation spans of a text as (start, end, kind, closed) tuples, in the order "
     "they were closed (framing.quotes._found's result)."},
    {"intervals", (PyCFunction)quotes_intervals, METH_O,
     "intervals(text, /)\n--\n\nThe outermost quotation spans of a text, touching ones merged "
     "(framing.quotes.quoted_intervals's result)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "framing._cquotes",
    "The quote rules of framing.quotes in C (optional; framing.quotes.COMPILED says whether it is used).",
    -1,
    methods,
};

PyMODINIT_FUNC
PyInit__cquotes(void)
{
    const char *marks = "\"'";
    int k;
    BMP['\n'] = C_BREAK;
    BMP['\r'] = C_BREAK;
    BMP[0x2028] = C_BREAK;
    BMP[0x2029] = C_BREAK;
    for (k = 0; marks[k]; k++) {
        BMP[(unsigned char)marks[k]] = C_MARK;
    }
    BMP[0xAB] = C_MARK;  /* « */
    BMP[0xBB] = C_MARK;  /* » */
    BMP[0x2018] = C_MARK;  /* ‘ */
    BMP[0x2019] = C_MARK;  /* ’ */
    for (k = 0x201C; k <= 0x201F; k++) {
        BMP[k] = C_MARK;  /* “ ” „ ‟ */
    }
    if (DOUBLE_STR == NULL) {
        DOUBLE_STR = PyUnicode_InternFromString("double");
        SINGLE_STR = PyUnicode_InternFromString("single");
        if (DOUBLE_STR == NULL || SINGLE_STR == NULL) {
            return NULL;
        }
    }
    return PyModule_Create(&module_def);
}
