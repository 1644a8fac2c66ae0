/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sipflow/markup_escape.h"

#include <stdint.h>
#include <string.h>

#include "sipflow/utf8.h"

static void bad_byte(FILE *f, unsigned char c, sf_markup_ctrl_t ctrl)
{
    if (ctrl == SF_MARKUP_CTRL_HEX)
        fprintf(f, "\\x%02X", (unsigned)c);
    else
        fputs("\xEF\xBF\xBD", f); /* U+FFFD */
}

void sf_markup_escape(FILE *f, const char *s, size_t n, sf_markup_ctrl_t ctrl)
{
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = n == SIZE_MAX ? strlen(s) : n;
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
            case '&':
                fputs("&amp;", f);
                break;
            case '<':
                fputs("&lt;", f);
                break;
            case '>':
                fputs("&gt;", f);
                break;
            case '"':
                fputs("&quot;", f);
                break;
            case '\'':
                fputs("&#39;", f);
                break;
            case '\t':
            case '\n':
            case '\r':
                fputc(c, f);
                break;
            default:
                /* XML 1.0 2.2: of the C0 controls only TAB, LF and CR are
                 * characters; DEL is allowed but invisible in a page */
                if (c < 0x20 || (c == 0x7F && ctrl == SF_MARKUP_CTRL_REPLACE))
                    bad_byte(f, c, ctrl);
                else
                    fputc(c, f);
            }
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = sf_utf8_next(p + i, len - i, &cp);
        if (!k) {
            bad_byte(f, c, ctrl);
            i++;
        } else if (cp == 0xFFFE || cp == 0xFFFF) {
            /* not XML characters either */
            if (ctrl == SF_MARKUP_CTRL_HEX)
                fputc('?', f);
            else
                fputs("\xEF\xBF\xBD", f);
            i += k;
        } else {
            fwrite(p + i, 1, k, f);
            i += k;
        }
    }
}
