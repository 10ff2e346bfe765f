/*
 * genload.c - write the benchmark request bodies (the same workloads as
 * ../shared/bench/workloads.py, without needing Python):
 *
 *   small.json   8 numbers            a curl user's request
 *   plot.json    800 numbers          np.arange(-10, 10, 0.025), the article's grid
 *   bulk.json    1,000,000 numbers    uniform in [-10, 10], seeded, 17 digits
 *   bulk.f64     the bulk values as raw little-endian float64 (8 MB)
 *   *.lua        wrk scripts POSTing each JSON body to /eval
 *
 * usage: genload DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *open_in(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void write_json(const char *dir, const char *name, const double *x, size_t n)
{
    char file[64];
    snprintf(file, sizeof file, "%s.json", name);
    FILE *f = open_in(dir, file);
    fputs("{\"activation\": \"sigmoid\", \"x\": [", f);
    for (size_t i = 0; i < n; i++) fprintf(f, "%s%.17g", i ? ", " : "", x[i]);
    fputs("]}", f);
    fclose(f);
    snprintf(file, sizeof file, "%s.lua", name);
    f = open_in(dir, file);
    fprintf(f,
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
            "local f = io.open(\"%s/%s.json\")\nwrk.body = f:read(\"*a\")\nf:close()\n",
            dir, name);
    fclose(f);
}

/* xorshift64*: deterministic across machines */
static double uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    uint64_t r = *s * 2685821657736338717ull;
    return -10 + 20 * ((double)(r >> 11) * 0x1.0p-53);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: genload DIR\n");
        return 2;
    }
    static const double small[8] = {-3.5, -1.0, -0.25, 0.0, 0.5, 1.0, 2.0, 4.0};
    write_json(argv[1], "small", small, 8);
    double plot[800];
    for (int i = 0; i < 800; i++) plot[i] = -10 + 0.025 * i;
    write_json(argv[1], "plot", plot, 800);
    size_t n = 1000000;
    double *bulk = malloc(n * sizeof *bulk);
    uint64_t s = 1;
    for (size_t i = 0; i < n; i++) bulk[i] = uniform(&s);
    write_json(argv[1], "bulk", bulk, n);
    FILE *f = open_in(argv[1], "bulk.f64");
    fwrite(bulk, sizeof *bulk, n, f); /* x86-64 and arm64 are little-endian */
    fclose(f);
    free(bulk);
    return 0;
}
