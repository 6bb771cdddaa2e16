-- wrk script: POSTs a config file (BODY, default benches/errbook-50.toml) to the validator API.
local path = os.getenv("BODY") or "benches/errbook-50.toml"
local file = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"

-- wrk counts answers that are not 2xx/3xx; print them, so a fast stream of errors cannot
-- pass for throughput.
function done(summary, latency, requests)
  io.write(string.format("non-2xx answers: %d\n", summary.errors.status))
end
