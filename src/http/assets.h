/*
 * assets.h: the web app's files, embedded at build time and served by the router's fallback route
 * (assets.c). Not for /api/ paths.
 */
#ifndef TIENGMO_ASSETS_H
#define TIENGMO_ASSETS_H
#include "http/http.h"

/* The fallback handler for GET of a non-API path: the embedded file the path names, or index.html for
 * an app route (no dot in the last segment). Returns APP_OK with a 200 or 304 response written, or
 * APP_E_NOTFOUND when nothing fits. Sets ETag, Cache-Control, Vary and Content-Encoding. */
int assets_serve(struct req *r);

#endif
