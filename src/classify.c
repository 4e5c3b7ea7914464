/* stub: to be written */
typedef int pith_stub_classify;
