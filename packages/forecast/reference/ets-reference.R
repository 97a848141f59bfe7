# Reference forecasts from R for @castor/forecast's tests.
#
# Reads reference/series.json (written by scripts/write-reference-series.ts), fits each series'
# training part with forecast::ets restricted to additive models (the class @castor/forecast
# implements), forecast::ets with its defaults (multiplicative models allowed, for information) and
# stats::HoltWinters (additive season), forecasts the test part and writes reference/r-reference.json
# with each method's test-set MASE, sMAPE, chosen model and 95 % interval coverage.
#
# MASE scales the mean absolute test error by the in-sample mean absolute error of the seasonal
# naive forecast (lag = seasonPeriod) on the training part (Hyndman & Koehler 2006).
#
# Run from packages/forecast: Rscript reference/ets-reference.R
# Needs R with the forecast and jsonlite packages (Debian: r-base-core r-cran-forecast).

suppressPackageStartupMessages({
  library(forecast)
  library(jsonlite)
})

input <- fromJSON("reference/series.json", simplifyVector = TRUE)
period <- input$seasonPeriod
horizon <- input$horizon

mase <- function(train, test, f) mean(abs(test - f)) / mean(abs(diff(train, lag = period)))
smape <- function(test, f) 200 * mean(abs(test - f) / (abs(test) + abs(f)))
covered <- function(test, lower, upper) mean(test >= lower & test <= upper)

score_ets <- function(fit, train, test) {
  fc <- forecast(fit, h = horizon, level = 95)
  list(
    model = fit$method,
    aicc = unname(fit$aicc),
    mase = mase(train, test, as.numeric(fc$mean)),
    smape = smape(test, as.numeric(fc$mean)),
    coverage95 = covered(test, as.numeric(fc$lower), as.numeric(fc$upper)),
    point = round(as.numeric(fc$mean), 4)
  )
}

results <- lapply(seq_len(nrow(input$series)), function(i) {
  train <- input$series$train[[i]]
  test <- input$series$test[[i]]
  y <- ts(train, frequency = period)
  ets_additive <- ets(y, additive.only = TRUE)
  ets_default <- ets(y)
  hw <- HoltWinters(y, seasonal = "additive")
  hw_fc <- predict(hw, n.ahead = horizon, prediction.interval = TRUE, level = 0.95)
  list(
    name = input$series$name[[i]],
    etsAdditive = score_ets(ets_additive, train, test),
    etsDefault = score_ets(ets_default, train, test),
    holtWinters = list(
      mase = mase(train, test, as.numeric(hw_fc[, "fit"])),
      smape = smape(test, as.numeric(hw_fc[, "fit"])),
      coverage95 = covered(test, as.numeric(hw_fc[, "lwr"]), as.numeric(hw_fc[, "upr"])),
      point = round(as.numeric(hw_fc[, "fit"]), 4)
    )
  )
})

output <- list(
  generatedBy = "reference/ets-reference.R",
  r = R.version.string,
  forecastPackage = as.character(packageVersion("forecast")),
  seed = input$seed,
  seasonPeriod = period,
  horizon = horizon,
  series = results
)
writeLines(toJSON(output, auto_unbox = TRUE, digits = 8, pretty = TRUE), "reference/r-reference.json")
cat("wrote reference/r-reference.json\n")
