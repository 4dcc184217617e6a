/*
 * dl.c: load a shared library on first use and resolve its functions through one table (dl.h).
 * Nothing here knows which libraries tiengmo loads this way; media_video.c and media_pdf.c do.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "lib/dl.h"

/* Resolves every symbol of lib's table from handle h. 0, or -1 with the reason in why. */
static int resolve(const struct dl_lib *lib, void *h, char *why, size_t whylen)
{
	for (const struct dl_sym *s = lib->syms; s->name; s++) {
		void *p = dlsym(h, s->name);
		if (!p) {
			snprintf(why, whylen, "'%s' has no '%s'", lib->soname, s->name);
			return -1;
		}
		/* POSIX: a function pointer and void * have the same representation */
		memcpy(s->slot, &p, sizeof p);
	}
	return 0;
}

int dl_load(struct dl_lib *lib, char *why, size_t whylen)
{
	int rc = -1;
	void *h = NULL;
	char scratch[8];
	if (!why || whylen == 0) {
		why = scratch;
		whylen = sizeof scratch;
	}
	why[0] = '\0';
	pthread_mutex_lock(&lib->lock);
	if (lib->loaded) {
		rc = 0;
		goto out;
	}
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(why, whylen, "cannot load '%s': %s", lib->soname, e ? e : "unknown error");
		goto out;
	}
	if (resolve(lib, h, why, whylen) != 0)
		goto out;
	lib->handle = h;
	h = NULL;
	lib->loaded = 1;
	rc = 0;
out:
	if (h)
		dlclose(h);
	pthread_mutex_unlock(&lib->lock);
	return rc;
}
