/*
 * sdbm-lookup: looks keys up in an SDBM map through the real apr-util, the way mod_rewrite's
 * lookup_map_dbmfile does (apr_dbm_open_ex(..., "sdbm", APR_DBM_READONLY), one fetch, close:
 * a fresh open per lookup). Used by tests/Tinyfence.Tests/Blocklist.
 *
 *   sdbm-lookup BASE
 *       Reads one key per line on stdin; prints the value, or NULL when absent, one line per key.
 *       A failed open or fetch prints "ERROR <text>" instead (and the exit status is 1).
 *
 *   sdbm-lookup --loop LOOKUPS --until FILE --value VALUE BASE
 *       Reads lines "<class> <key>" on stdin, class 1 (must be found), 0 (must be absent) or
 *       ? (either), then looks them up round-robin while another process rewrites the map: at
 *       least LOOKUPS times, and until FILE exists (made by the writer once it has written
 *       enough), so the run is counted in lookups and rewrites, not in seconds. Prints
 *       "lookups=N found=N absent=N violations=N errors=N" and up to 10 samples of violations
 *       and errors on stderr. Exit status 0 only with no violation and no error.
 *
 * Build: tests/scripts/build-sdbm-lookup.sh OUTPUT
 */
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_dbm.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE 1024

enum outcome { FOUND, ABSENT, FAILED };

/* value/value_len are set when FOUND; error text in err when FAILED. */
static enum outcome lookup(apr_pool_t *pool, const char *base, const char *key,
                           char *value, size_t value_size, char *err, size_t err_size)
{
    apr_dbm_t *db = NULL;
    apr_datum_t k, v;
    apr_status_t rv;
    char buf[256];

    rv = apr_dbm_open_ex(&db, "sdbm", base, APR_DBM_READONLY, APR_OS_DEFAULT, pool);
    if (rv != APR_SUCCESS) {
        snprintf(err, err_size, "open: %s", apr_strerror(rv, buf, sizeof buf));
        return FAILED;
    }
    k.dptr = (char *)key;
    k.dsize = strlen(key);
    v.dptr = NULL;
    v.dsize = 0;
    rv = apr_dbm_fetch(db, k, &v);
    if (rv != APR_SUCCESS) {
        snprintf(err, err_size, "fetch: %s", apr_strerror(rv, buf, sizeof buf));
        apr_dbm_close(db);
        return FAILED;
    }
    if (v.dptr == NULL) {
        apr_dbm_close(db);
        return ABSENT;
    }
    if (v.dsize >= value_size) {
        v.dsize = value_size - 1;
    }
    memcpy(value, v.dptr, v.dsize);
    value[v.dsize] = '\0';
    apr_dbm_close(db);
    return FOUND;
}

static void chomp(char *line)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
        line[--n] = '\0';
    }
}

static int run_once(apr_pool_t *root, const char *base)
{
    char line[MAX_LINE], value[MAX_LINE], err[512];
    int status = 0;
    apr_pool_t *pool;

    apr_pool_create(&pool, root);
    while (fgets(line, sizeof line, stdin)) {
        chomp(line);
        switch (lookup(pool, base, line, value, sizeof value, err, sizeof err)) {
        case FOUND:  printf("%s\n", value); break;
        case ABSENT: printf("NULL\n"); break;
        default:     printf("ERROR %s\n", err); status = 1; break;
        }
        apr_pool_clear(pool);
    }
    fflush(stdout);
    return status;
}

struct probe {
    char cls;
    char *key;
};

static int run_loop(apr_pool_t *root, const char *base, unsigned long min_lookups, const char *until,
                    const char *expected)
{
    char line[MAX_LINE], value[MAX_LINE], err[512];
    struct probe *probes = NULL;
    size_t count = 0, capacity = 0, i;
    unsigned long lookups = 0, found = 0, absent = 0, violations = 0, errors = 0, samples = 0;
    apr_pool_t *pool;

    while (fgets(line, sizeof line, stdin)) {
        chomp(line);
        if (strlen(line) < 3 || line[1] != ' ' || !strchr("01?", line[0])) {
            fprintf(stderr, "bad probe line: %s\n", line);
            return 2;
        }
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            probes = realloc(probes, capacity * sizeof *probes);
        }
        probes[count].cls = line[0];
        probes[count].key = strdup(line + 2);
        count++;
    }
    if (count == 0) {
        fprintf(stderr, "no probes\n");
        return 2;
    }

    apr_pool_create(&pool, root);
    /* The stop file is looked for every 100 lookups: a stat costs less than a lookup, not nothing. */
    for (i = 0; lookups < min_lookups || lookups % 100 != 0 || access(until, F_OK) != 0; i = (i + 1) % count) {
        struct probe *p = &probes[i];
        enum outcome o = lookup(pool, base, p->key, value, sizeof value, err, sizeof err);
        apr_pool_clear(pool);
        lookups++;
        if (o == FAILED) {
            errors++;
            if (samples++ < 10) fprintf(stderr, "error on %s: %s\n", p->key, err);
        }
        else if (o == FOUND) {
            found++;
            if (p->cls == '0' || strcmp(value, expected) != 0) {
                violations++;
                if (samples++ < 10) fprintf(stderr, "wrong: %s found with value '%s'\n", p->key, value);
            }
        }
        else {
            absent++;
            if (p->cls == '1') {
                violations++;
                if (samples++ < 10) fprintf(stderr, "wrong: %s not found\n", p->key);
            }
        }
    }
    printf("lookups=%lu found=%lu absent=%lu violations=%lu errors=%lu\n",
           lookups, found, absent, violations, errors);
    fflush(stdout);
    return violations == 0 && errors == 0 ? 0 : 1;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *root;
    int status;

    apr_app_initialize(&argc, &argv, NULL);
    apr_pool_create(&root, NULL);
    if (argc == 2) {
        status = run_once(root, argv[1]);
    }
    else if (argc == 8 && strcmp(argv[1], "--loop") == 0 && strcmp(argv[3], "--until") == 0
             && strcmp(argv[5], "--value") == 0) {
        status = run_loop(root, argv[7], strtoul(argv[2], NULL, 10), argv[4], argv[6]);
    }
    else {
        fprintf(stderr, "usage: %s BASE < keys\n       %s --loop LOOKUPS --until FILE --value VALUE BASE < probes\n",
                argv[0], argv[0]);
        status = 64;
    }
    apr_terminate();
    return status;
}
