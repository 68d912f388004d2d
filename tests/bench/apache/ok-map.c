/* The floor of any RewriteMap prg: adapter: a program that answers every key at once and flushes.
 * It answers "ok", except "BLOCK" for 192.0.2.66, the address the bench uses to check that the
 * map really is on the request path. Built by apache_bench.py with gcc -O2. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[256];
    int whole = 1; /* 0 while skipping the rest of an over-long line: one answer per key */

    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t n = strlen(line);
        int ends = n > 0 && line[n - 1] == '\n';
        if (whole && ends) {
            fputs(strcmp(line, "192.0.2.66\n") == 0 ? "BLOCK\n" : "ok\n", stdout);
        } else if (!whole && ends) {
            fputs("NULL\n", stdout);
        }
        fflush(stdout);
        whole = ends;
    }
    return 0;
}
