/*
 * qr.h: a QR code as SVG, for the household's alarm card (libqrencode makes the code; this file only
 * draws it). The SVG is one <path> of unit squares with a quiet zone of 4 modules, scalable to any
 * print size; it holds no script and no external reference.
 */
#ifndef TIENGMO_QR_H
#define TIENGMO_QR_H
#include "lib/buf.h"

/* Appends to b the SVG of a QR code (error correction M) holding text. Returns 0, or -1 when the text
 * is too long for a QR code or memory runs out (b then holds what was appended, or its error). */
int qr_svg(const char *text, struct buf *b);

#endif
