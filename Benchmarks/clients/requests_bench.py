"""The benchmark scenarios through Python requests, timed inside the process.

    requests_bench.py download   URL        [--cacert FILE]
    requests_bench.py sequential URL COUNT  [--close] [--cacert FILE]
    requests_bench.py startup    URL COUNT  [--cacert FILE]
    requests_bench.py parallel   URL COUNT  [--cacert FILE]

Prints: seconds=S requests=N bytes=B connections=-1 resumed=-1
(requests reports neither). As a whole process it is also the "requests"
column of the command-line table, start-up and import included.
"""

import argparse
import concurrent.futures
import sys
import time

import requests
import requests.adapters

CHUNK = 1 << 20


def fetch(session, url, verify, headers):
    response = session.get(url, verify=verify, headers=headers, stream=True)
    if response.status_code != 200:
        sys.exit(f"requests_bench: status {response.status_code}")
    size = 0
    for chunk in response.iter_content(chunk_size=CHUNK):
        size += len(chunk)
    response.close()
    return size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["download", "sequential", "startup", "parallel"])
    parser.add_argument("url")
    parser.add_argument("count", type=int, nargs="?", default=1)
    parser.add_argument("--cacert")
    parser.add_argument("--close", action="store_true")
    arguments = parser.parse_args()
    verify = arguments.cacert or True
    headers = {"Connection": "close"} if arguments.close else None
    count = arguments.count

    start = time.monotonic()
    total = 0
    if arguments.scenario in ("download", "sequential"):
        with requests.Session() as session:
            for _ in range(count):
                total += fetch(session, arguments.url, verify, headers)
    elif arguments.scenario == "startup":
        for _ in range(count):
            with requests.Session() as session:
                total += fetch(session, arguments.url, verify, headers)
    else:
        with requests.Session() as session:
            # One pooled connection per thread, as many as there are requests.
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=count)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
                futures = [pool.submit(fetch, session, arguments.url, verify, headers) for _ in range(count)]
                total = sum(future.result() for future in futures)
    seconds = time.monotonic() - start
    print(f"seconds={seconds:.6f} requests={count} bytes={total} connections=-1 resumed=-1")


if __name__ == "__main__":
    main()
