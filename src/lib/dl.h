/*
 * dl.h: a shared library loaded when it is first needed (dlopen), not when tiengmo starts. For the
 * large libraries only a few requests use — FFmpeg's for videos, qpdf for PDFs — whose pages (and the
 * dozens of codec libraries they pull in) would otherwise sit in every idle server's memory and slow
 * every start (DESIGN §6: idle RSS < 20 MiB, cold start < 100 ms). docs/internals/media.md says why.
 *
 * A caller describes one library with a struct dl_lib: its SONAME (taken from the library at build
 * time by meson, so that the ABI the headers describe is the one loaded) and a NULL-terminated table of
 * the functions it uses, each with the address of the function pointer to fill. Not for: choosing among
 * library versions at run time, or unloading (a loaded library stays for the life of the process).
 */
#ifndef TIENGMO_DL_H
#define TIENGMO_DL_H
#include <pthread.h>
#include <stddef.h>

/* One function to resolve: its symbol name and the address of a function pointer object of the right
 * type (e.g. &av.avformat_open_input), which dl_load fills. */
struct dl_sym {
	const char *name;
	void *slot;
};

/* One library. Initialise with DL_LIB(soname, syms); the rest is dl_load's state. */
struct dl_lib {
	const char *soname;
	const struct dl_sym *syms; /* ends with {NULL, NULL} */
	pthread_mutex_t lock;
	int loaded;
	void *handle;
};
#define DL_LIB(so, table)                                                                                    \
	{                                                                                                    \
		.soname = (so), .syms = (table), .lock = PTHREAD_MUTEX_INITIALIZER                           \
	}

/* Loads lib (dlopen of its SONAME, RTLD_NOW | RTLD_LOCAL) and fills every slot of its table, once:
 * later calls return at once. Returns 0 when every function is there; -1 when the library cannot be
 * loaded or lacks a function: the slots must then not be used, the reason is written into why (whylen
 * bytes, always terminated; why may be NULL), e.g. "cannot load 'libqpdf.so.29': libqpdf.so.29: cannot
 * open shared object file: No such file or directory" or "'libqpdf.so.29' has no 'qpdf_init'", and the
 * next call tries again (a library installed later is picked up without a restart). Thread-safe. */
int dl_load(struct dl_lib *lib, char *why, size_t whylen);

#endif
