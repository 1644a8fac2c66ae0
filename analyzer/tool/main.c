/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
int main(void)
{
    fprintf(stderr, "sipflow: not built yet\n");
    return 2;
}
