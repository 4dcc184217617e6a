/*
 * cccd.h: the Vietnamese citizen identity card number (Căn cước công dân, CCCD; Circular 59/2021/TT-BCA
 * art. 7): 12 digits — a province code of birth registration (001–096), a century-and-gender digit,
 * the last two digits of the birth year, then 6 random digits. The century-and-gender digit is
 * 0/1 for a man/woman born 1900–1999, 2/3 for 2000–2099, 4/5 for 2100–2199, 6/7 for 2200–2299 and
 * 8/9 for 2300–2399. This file only checks the number's shape and its agreement with what else is
 * known about the person; it touches neither storage nor HTTP, and never logs the number.
 */
#ifndef TIENGMO_CCCD_H
#define TIENGMO_CCCD_H
#include <stddef.h>

#define CCCD_LEN 12

/*
 * Checks s as a CCCD and, when given, its agreement with gender ("male" or "female"; any other value or
 * NULL is not checked) and birth_year (0: unknown). Returns 0 when valid; -1 with a lowercase sentence
 * for the user in msg (never quoting the number). msglen of 160 bytes always suffices.
 */
int cccd_check(const char *s, const char *gender, int birth_year, char *msg, size_t msglen);

/* For a CCCD that passed cccd_check: the birth year it encodes and whether it says female (1) or male
 * (0). */
int cccd_birth_year(const char *s);
int cccd_female(const char *s);

#endif
