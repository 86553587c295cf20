import ExerciseKit
import ExerciseChecks
import Solutions
import WrongVariants

// The manifest: every exercise in build-up order, bound to its check. `exercises verify` lints
// it (files, TODO, tests, hints, solution, wrong variants, lecture) and proves the checks.

extension Catalog {
    public static let all: [Exercise] = [
        Exercise(
            id: "01", name: "OutputSize", title: "Output size, VALID and SAME", lecture: 1,
            hints: [
                "VALID counts the positions where the whole window fits; SAME only cares about the stride. Try 7 cells, kernel 3, stride 2 on paper: VALID visits starts 0, 2, 4 -> 3; SAME -> 4.",
                "VALID: (I - F) / S + 1 with integer division (floor), and 0 when F > I. SAME: ceil(I / S), which in integers is (I + S - 1) / S.",
                "case .valid: guard kernelSize <= inputSize else { return 0 }; return (inputSize - kernelSize) / stride + 1\ncase .same: return (inputSize + stride - 1) / stride",
            ],
            check: "Checks.outputSize(outputSize)",
            solution: { Checks.outputSize(Solutions.outputSize) },
            variants: [
                ("missingPlusOne", { Checks.outputSize(Wrong01.missingPlusOne) }),
                ("noGuard", { Checks.outputSize(Wrong01.noGuard) }),
                ("sameRoundsDown", { Checks.outputSize(Wrong01.sameRoundsDown) }),
                ("symmetricPadding", { Checks.outputSize(Wrong01.symmetricPadding) }),
            ]),
        Exercise(
            id: "02", name: "SamePadding", title: "SAME padding amounts (top, bottom, left, right)", lecture: 2,
            hints: [
                "Do one axis at a time with a small helper, then call it for the rows and for the columns. The last window must end at or after the last cell; padTotal is how far it hangs over.",
                "out = (I + S - 1) / S;  padTotal = max((out - 1) * S + F - I, 0);  start = padTotal / 2;  end = padTotal - start. TF puts the odd cell at the END (bottom/right).",
                "func split(_ i: Int, _ f: Int, _ s: Int) -> (Int, Int) { let out = ...; let total = max(..., 0); return (total / 2, total - total / 2) }\nlet rows = split(input.h, kernel.h, stride.h); let cols = split(input.w, kernel.w, stride.w)",
            ],
            check: "Checks.samePadding(samePadding)",
            solution: { Checks.samePadding(Solutions.samePadding) },
            variants: [
                ("extraAtStart", { Checks.samePadding(Wrong02.extraAtStart) }),
                ("ignoresStride", { Checks.samePadding(Wrong02.ignoresStride) }),
                ("noClampAtZero", { Checks.samePadding(Wrong02.noClampAtZero) }),
                ("heightForBoth", { Checks.samePadding(Wrong02.heightForBoth) }),
            ]),
        Exercise(
            id: "03", name: "Conv1D", title: "1-D convolution", lecture: 1,
            hints: [
                "Slide the filter along the signal one cell at a time. There are N - K + 1 positions where it fits. Do not flip the filter.",
                "y[i] = x[i]*w[0] + x[i+1]*w[1] + ... + x[i+K-1]*w[K-1], for i in 0 ..< N - K + 1.",
                "var y = [Double](repeating: 0, count: N - K + 1)\nfor i in 0..<y.count { for k in 0..<K { y[i] += signal[i + k] * filter[k] } }\nreturn y",
            ],
            check: "Checks.conv1D(conv1D)",
            solution: { Checks.conv1D(Solutions.conv1D) },
            variants: [
                ("assignInsteadOfAdd", { Checks.conv1D(Wrong03.assignInsteadOfAdd) }),
                ("flipsFilter", { Checks.conv1D(Wrong03.flipsFilter) }),
                ("oneOutputShort", { Checks.conv1D(Wrong03.oneOutputShort) }),
            ]),
        Exercise(
            id: "04", name: "Conv2D", title: "2-D convolution with loops", lecture: 1,
            hints: [
                "It is exercise 03 twice: the window slides down the rows and across the columns. Work out the toy example 12 = 1+2+4+5 by hand first.",
                "Output shape [H - KH + 1][W - KW + 1];  y[i][j] = sum over a < KH, b < KW of image[i + a][j + b] * filter[a][b]. Height and width can differ.",
                "let kh = filter.count, kw = filter[0].count\nvar y = [[Double]](repeating: [Double](repeating: 0, count: W - kw + 1), count: H - kh + 1)\nfor i in ... { for j in ... { for a in 0..<kh { for b in 0..<kw { y[i][j] += image[i + a][j + b] * filter[a][b] } } } }",
            ],
            check: "Checks.conv2D(conv2D)",
            solution: { Checks.conv2D(Solutions.conv2D) },
            variants: [
                ("assignInsteadOfAdd", { Checks.conv2D(Wrong04.assignInsteadOfAdd) }),
                ("transposedFilter", { Checks.conv2D(Wrong04.transposedFilter) }),
                ("squareOutput", { Checks.conv2D(Wrong04.squareOutput) }),
            ]),
        Exercise(
            id: "05", name: "Conv2DChannels", title: "Many channels and many filters", lecture: 1,
            hints: [
                "Exercise 04 with two more loops: every output channel o is its own filter, and each filter sums over ALL input channels c. The batch n just repeats the work.",
                "Output shape [N, H - KH + 1, W - KW + 1, O];  y[n, i, j, o] = sum over a < KH, b < KW, c < C of input[n, i + a, j + b, c] * filter[a, b, c, o].",
                "var y = Tensor(zeros: [N, OH, OW, O])\nfor n, i, j, o { var sum = 0.0; for a, b, c { sum += input[n, i + a, j + b, c] * filter[a, b, c, o] }; y[n, i, j, o] = sum }",
            ],
            check: "Checks.conv2DChannels(conv2DChannels)",
            solution: { Checks.conv2DChannels(Solutions.conv2DChannels) },
            variants: [
                ("firstChannelOnly", { Checks.conv2DChannels(Wrong05.firstChannelOnly) }),
                ("lastChannelWins", { Checks.conv2DChannels(Wrong05.lastChannelWins) }),
                ("firstExampleOnly", { Checks.conv2DChannels(Wrong05.firstExampleOnly) }),
            ]),
        Exercise(
            id: "06", name: "StrideDilation", title: "Stride, dilation and padding", lecture: 1,
            hints: [
                "Three changes to exercise 05: the output size (exercise 01 with the dilated kernel), where a window starts (i * stride - padTop), and the gap between taps (a * dilation). Reads that fall outside the image are padding zeros: skip them.",
                "EK = (K - 1) * d + 1.  VALID: OH = (H - EK) / sh + 1, padTop = 0.  SAME: OH = (H + sh - 1) / sh, padTop = max((OH - 1) * sh + EK - H, 0) / 2.  Input row = i * sh + a * dh - padTop.",
                "let row = i * strides.h + a * dilations.h - padTop\nif row < 0 || row >= H { continue }\nlet col = j * strides.w + b * dilations.w - padLeft\nif col < 0 || col >= W { continue }\nfor c in 0..<C { sum += input[n, row, col, c] * filter[a, b, c, o] }",
            ],
            check: "Checks.conv2DStrided(conv2DStrided)",
            solution: { Checks.conv2DStrided(Solutions.conv2DStrided) },
            variants: [
                ("extraPaddingAtStart", { Checks.conv2DStrided(Wrong06.extraPaddingAtStart) }),
                ("dilationOnlyInSize", { Checks.conv2DStrided(Wrong06.dilationOnlyInSize) }),
                ("sizeWithoutDilation", { Checks.conv2DStrided(Wrong06.sizeWithoutDilation) }),
            ]),
        Exercise(
            id: "07", name: "MaxPoolForward", title: "Max pooling, forward", lecture: 5,
            hints: [
                "Pooling is a convolution whose 'filter' takes the max instead of a weighted sum, channel by channel. The window geometry is exercise 06's with dilation 1.",
                "Start each window at -infinity (not 0: inputs can be negative) and skip cells outside the image: padding never wins a max. Input row = i * sh + a - padTop.",
                "var best = -Double.infinity\nfor a in 0..<window.h { let row = ...; if row < 0 || row >= H { continue }\n  for b in 0..<window.w { let col = ...; if col < 0 || col >= W { continue }; best = max(best, input[n, row, col, c]) } }\ny[n, i, j, c] = best",
            ],
            check: "Checks.maxPoolForward(maxPoolForward)",
            solution: { Checks.maxPoolForward(Solutions.maxPoolForward) },
            variants: [
                ("paddingCountsAsZero", { Checks.maxPoolForward(Wrong07.paddingCountsAsZero) }),
                ("maxStartsAtZero", { Checks.maxPoolForward(Wrong07.maxStartsAtZero) }),
                ("extraPaddingAtStart", { Checks.maxPoolForward(Wrong07.extraPaddingAtStart) }),
            ]),
        Exercise(
            id: "08", name: "MaxPoolBackward", title: "Max pooling, backward", lecture: 9,
            hints: [
                "Loop over the OUTPUT cells as in the forward pass, not over the input cells: windows can overlap (stride < window), so one input cell may receive gradient from several windows.",
                "For window (i, j): find (r*, q*) = argmax of the real cells, then dInput[n, r*, q*, c] += dOutput[n, i, j, c]. Use +=, never =; start from Tensor(zeros: input.shape). padTop from dOutput's size: max((OH - 1) * sh + WH - H, 0) / 2 for SAME.",
                "for n, i, j, c {\n  var best = -Double.infinity, bestRow = 0, bestCol = 0\n  for a, b { let row = ..., col = ...; skip padding; if input[n, row, col, c] > best { best = ...; bestRow = row; bestCol = col } }\n  dInput[n, bestRow, bestCol, c] += dOutput[n, i, j, c]\n}",
            ],
            check: "Checks.maxPoolBackward(maxPoolBackward)",
            solution: { Checks.maxPoolBackward(Solutions.maxPoolBackward) },
            variants: [
                ("assignInsteadOfAdd", { Checks.maxPoolBackward(Wrong08.assignInsteadOfAdd) }),
                ("tilesInsteadOfWindows", { Checks.maxPoolBackward(Wrong08.tilesInsteadOfWindows) }),
                ("spreadsEvenly", { Checks.maxPoolBackward(Wrong08.spreadsEvenly) }),
            ]),
        Exercise(
            id: "09", name: "AvgPool", title: "Average pooling with SAME's divisor", lecture: 5,
            hints: [
                "Exercise 07 with a sum instead of a max, and one more number per window: how many real cells it covered.",
                "y = sum of real cells / count of real cells. For VALID the count is always WH * WW; for SAME the border windows count fewer (TF's rule, FORMAT.md: padding is excluded from the sum AND the divisor).",
                "var sum = 0.0, count = 0\nfor a, b { let row = ..., col = ...; if outside { continue }; sum += input[n, row, col, c]; count += 1 }\ny[n, i, j, c] = sum / Double(count)",
            ],
            check: "Checks.avgPoolForward(avgPoolForward)",
            solution: { Checks.avgPoolForward(Solutions.avgPoolForward) },
            variants: [
                ("dividesByWindowArea", { Checks.avgPoolForward(Wrong09.dividesByWindowArea) }),
                ("paddedZerosCounted", { Checks.avgPoolForward(Wrong09.paddedZerosCounted) }),
                ("extraPaddingAtStart", { Checks.avgPoolForward(Wrong09.extraPaddingAtStart) }),
            ]),
        Exercise(
            id: "10", name: "Activations", title: "Activations and their derivatives", lecture: 7,
            hints: [
                "Each case returns two numbers. Write the value first, then differentiate it by hand; sigmoid and tanh have derivatives you can write with their own value. Mind x == 0 (TF's choices) and x = +-1000 (no NaN).",
                "sigmoid: s = 1/(1 + exp(-x)), s' = s(1 - s);  tanh: t' = 1 - t*t;  relu: x > 0 ? (x, 1) : (0, 0);  leaky: x > 0 ? (x, 1) : (alpha*x, alpha);  elu: x > 0 ? (x, 1) : (expm1(x), exp(x)).",
                "For a sigmoid that never overflows, only exponentiate non-positive numbers:\nlet s = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))\nreturn (s, s * (1 - s))",
            ],
            check: "Checks.activation(activation)",
            solution: { Checks.activation(Solutions.activation) },
            variants: [
                ("reluDerivativeOneAtZero", { Checks.activation(Wrong10.reluDerivativeOneAtZero) }),
                ("sigmoidDerivativeIsSigmoid", { Checks.activation(Wrong10.sigmoidDerivativeIsSigmoid) }),
                ("unstableSigmoid", { Checks.activation(Wrong10.unstableSigmoid) }),
                ("tanhDerivativeNotSquared", { Checks.activation(Wrong10.tanhDerivativeNotSquared) }),
                ("eluDerivativeIsValue", { Checks.activation(Wrong10.eluDerivativeIsValue) }),
                ("leakyWithoutLeak", { Checks.activation(Wrong10.leakyWithoutLeak) }),
            ]),
        Exercise(
            id: "11", name: "SoftmaxCrossEntropy", title: "Numerically stable softmax cross-entropy", lecture: 8,
            hints: [
                "Work row by row. exp(1000) is infinity in Double, so never exponentiate a raw logit: subtract the row's max first. And never take log of a softmax that may have underflowed to 0.",
                "m = max(z);  logSumExp = log(sum_k exp(z_k - m));  logSoftmax_j = (z_j - m) - logSumExp;  loss = -sum_j y_j * logSoftmax_j;  dLogits_j = exp(logSoftmax_j) - y_j.",
                "for (z, y) in zip(logits, labels) {\n  let m = z.max()!\n  let logSumExp = log(z.reduce(0) { $0 + exp($1 - m) })\n  loss.append(-zip(z, y).reduce(0) { $0 + $1.1 * (($1.0 - m) - logSumExp) })\n  dLogits.append(zip(z, y).map { exp(($0 - m) - logSumExp) - $1 })\n}",
            ],
            check: "Checks.softmaxCrossEntropy(softmaxCrossEntropy)",
            solution: { Checks.softmaxCrossEntropy(Solutions.softmaxCrossEntropy) },
            variants: [
                ("unstable", { Checks.softmaxCrossEntropy(Wrong11.unstable) }),
                ("logOfSoftmax", { Checks.softmaxCrossEntropy(Wrong11.logOfSoftmax) }),
                ("gradientSignFlipped", { Checks.softmaxCrossEntropy(Wrong11.gradientSignFlipped) }),
                ("batchMeanEverywhere", { Checks.softmaxCrossEntropy(Wrong11.batchMeanEverywhere) }),
            ]),
        Exercise(
            id: "12", name: "DenseBackward", title: "Dense layer, backward", lecture: 8,
            hints: [
                "Each gradient has the shape of what it is the gradient of: dInput like input [N][In], dWeights like weights [In][Out], dBias like bias [Out]. A weight is used by every example, so its gradient sums over the batch.",
                "dInput[n][i] = sum_o dOutput[n][o] * W[i][o];  dWeights[i][o] = sum_n input[n][i] * dOutput[n][o];  dBias[o] = sum_n dOutput[n][o].",
                "start all three at zeros, then\nfor n { for o { dBias[o] += dOutput[n][o]\n  for i { dInput[n][i] += dOutput[n][o] * weights[i][o]; dWeights[i][o] += input[n][i] * dOutput[n][o] } } }",
            ],
            check: "Checks.denseBackward(denseBackward)",
            solution: { Checks.denseBackward(Solutions.denseBackward) },
            variants: [
                ("weightsFromLastExample", { Checks.denseBackward(Wrong12.weightsFromLastExample) }),
                ("biasAveraged", { Checks.denseBackward(Wrong12.biasAveraged) }),
                ("inputGradientWithoutTranspose", { Checks.denseBackward(Wrong12.inputGradientWithoutTranspose) }),
            ]),
        Exercise(
            id: "13", name: "Conv2DBackward", title: "conv2d backward: dInput and dFilter", lecture: 9,
            hints: [
                "Copy your forward loops from exercise 06. Wherever the forward pass did sum += x * w, the backward pass does dInput += w * dOutput and dFilter += x * dOutput, with the same indices.",
                "row = i*sh + a - padTop, col = j*sw + b - padLeft (skip the padding);  dInput[n,row,col,c] += filter[a,b,c,o] * dOutput[n,i,j,o];  dFilter[a,b,c,o] += input[n,row,col,c] * dOutput[n,i,j,o]. padTop comes from dOutput's size OH.",
                "var dInput = Tensor(zeros: input.shape), dFilter = Tensor(zeros: filter.shape)\nfor n, i, j, o { let up = dOutput[n, i, j, o]\n  for a { row; skip } for b { col; skip } for c { dInput[n, row, col, c] += filter[a, b, c, o] * up; dFilter[a, b, c, o] += input[n, row, col, c] * up } }",
            ],
            check: "Checks.conv2DBackward(conv2DBackward)",
            solution: { Checks.conv2DBackward(Solutions.conv2DBackward) },
            variants: [
                ("assignInsteadOfAdd", { Checks.conv2DBackward(Wrong13.assignInsteadOfAdd) }),
                ("filterFromLastExampleOnly", { Checks.conv2DBackward(Wrong13.filterFromLastExampleOnly) }),
                ("ignoresPaddingOffset", { Checks.conv2DBackward(Wrong13.ignoresPaddingOffset) }),
            ]),
        Exercise(
            id: "14", name: "Im2col", title: "im2col: convolution as a matrix product", lecture: 18,
            hints: [
                "It is exercise 06's loops, but instead of multiplying by the filter you COPY each window's values into a row. Rows: one per output position (n, i, j). Columns: one per filter tap (a, b, c).",
                "Row index (n * OH + i) * OW + j; column index (a * KW + b) * C + c; value input[n, i*sh + a - padTop, j*sw + b - padLeft, c], or 0 in the padding. The matrix is [N*OH*OW][KH*KW*C].",
                "for n, i, j {\n  var row = [Double](repeating: 0, count: KH * KW * C)\n  for a { r; skip } for b { q; skip } for c { row[(a * kernel.w + b) * C + c] = input[n, r, q, c] }\n  matrix.append(row)\n}",
            ],
            check: "Checks.im2col(im2col)",
            solution: { Checks.im2col(Solutions.im2col) },
            variants: [
                ("channelMajorColumns", { Checks.im2col(Wrong14.channelMajorColumns) }),
                ("extraPaddingAtStart", { Checks.im2col(Wrong14.extraPaddingAtStart) }),
                ("columnOffsetWithoutChannels", { Checks.im2col(Wrong14.columnOffsetWithoutChannels) }),
            ]),
        Exercise(
            id: "15", name: "Adam", title: "One Adam step", lecture: 13,
            hints: [
                "Follow the doc comment line by line, per parameter. The two details students miss: count the step BEFORE using t, and keep epsilon outside the square root.",
                "state.step += 1; t = Double(state.step);  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g*g;  p -= lr * (m / (1 - pow(b1, t))) / ((v / (1 - pow(b2, t))).squareRoot() + eps).",
                "state.step += 1\nlet t = Double(state.step)\nfor k in parameters.indices {\n  state.m[k] = ...; state.v[k] = ...\n  let mHat = ..., vHat = ...\n  parameters[k] -= learningRate * mHat / (vHat.squareRoot() + epsilon)\n}",
            ],
            check: "Checks.adamStep(adamStep)",
            solution: { Checks.adamStep(Solutions.adamStep) },
            variants: [
                ("noBiasCorrection", { Checks.adamStep(Wrong15.noBiasCorrection) }),
                ("epsilonInsideSqrt", { Checks.adamStep(Wrong15.epsilonInsideSqrt) }),
                ("stepCountedAfter", { Checks.adamStep(Wrong15.stepCountedAfter) }),
                ("absoluteInsteadOfSquare", { Checks.adamStep(Wrong15.absoluteInsteadOfSquare) }),
            ]),
        Exercise(
            id: "16", name: "BatchNorm", title: "Batch normalization, forward and backward", lecture: 14,
            hints: [
                "In NHWC the channel of scalars[k] is k % C, so one pass over `scalars` can accumulate per-channel sums. Do the forward pass first: the checks test it before the backward pass.",
                "M = N*H*W. mean = sum/M; variance = sum((x - mean)^2)/M; xHat = (x - mean) / sqrt(variance + eps). Backward: dBeta = sum dy; dGamma = sum dy*xHat; dInput = gamma * invStd / M * (M*dy - dBeta - xHat*dGamma).",
                "let C = x.shape[3], M = Double(x.scalars.count / C)\nfor k in x.scalars.indices { mean[k % C] += x.scalars[k] }  ... /M\nfor k { variance[k % C] += (x.scalars[k] - mean[k % C])^2 } ... /M\nfor k { output.scalars[k] = gamma[k % C] * xHat + beta[k % C] }",
            ],
            check: "Checks.batchNorm(forward: batchNormForward, backward: batchNormBackward)",
            solution: { Checks.batchNorm(forward: Solutions.batchNormForward, backward: Solutions.batchNormBackward) },
            variants: [
                ("unbiasedVariance", { Checks.batchNorm(forward: Wrong16.unbiasedVariance, backward: Solutions.batchNormBackward) }),
                ("statisticsAsConstants", { Checks.batchNorm(forward: Solutions.batchNormForward, backward: Wrong16.statisticsAsConstants) }),
                ("gammaGradientUnnormalized", { Checks.batchNorm(forward: Solutions.batchNormForward, backward: Wrong16.gammaGradientUnnormalized) }),
            ]),
        Exercise(
            id: "17", name: "TrainingStep", title: "One full training step", lecture: 11,
            hints: [
                "Chain your earlier exercises: forward through conv2DChannels, + filterBias, ReLU, flatten, dense, softmaxCrossEntropy; then backward in reverse order; then update. The loss is the batch MEAN, so every gradient gets a factor 1/N (divide dLogits by N).",
                "dLogits = softmaxCrossEntropy(...).dLogits / N;  (dFlat, dWeights, dBias) = denseBackward(flat, weights, dLogits);  dz = dFlat reshaped to [N, OH, OW, F] times relu'(z);  dFilterBias[f] = sum of dz[..., f];  dFilter = conv2DBackward(images, filter, dz, strides 1, .valid).dFilter.",
                "var z = conv2DChannels(images, filter: model.filter); add filterBias[k % F]\nlet a = z.scalars.map { activation(.relu, $0).value }; flat = one row of OH*OW*F per example\nlogits[n][o] = bias[o] + sum_i flat[n][i] * weights[i][o]\n... backward as in hint 2 ...\nmodel.filter.scalars[k] -= learningRate * dFilter.scalars[k]  (and the other three)\nreturn the mean loss",
            ],
            check: "Checks.trainingStep(trainingStep)",
            solution: { Checks.trainingStep(Solutions.trainingStep) },
            variants: [
                ("gradientAscent", { Checks.trainingStep(Wrong17.gradientAscent) }),
                ("gradientNotAveraged", { Checks.trainingStep(Wrong17.gradientNotAveraged) }),
                ("filterBiasNotUpdated", { Checks.trainingStep(Wrong17.filterBiasNotUpdated) }),
                ("reluGradientIgnored", { Checks.trainingStep(Wrong17.reluGradientIgnored) }),
            ]),
        Exercise(
            id: "18", name: "DepthwiseConv", title: "Depthwise convolution", lecture: 16,
            hints: [
                "Start from exercise 06 without dilation. Two changes: the sum no longer runs over the input channels (each output belongs to ONE input channel), and there are M outputs per input channel.",
                "Output shape [N, OH, OW, C * M]; y[n, i, j, c * M + m] = sum over a, b of input[n, row, col, c] * filter[a, b, c, m] with row = i*sh + a - padTop, col = j*sw + b - padLeft (skip the padding).",
                "for n, i, j { for c in 0..<C { for m in 0..<M {\n  var sum = 0.0\n  for a { row; skip } for b { col; skip; sum += input[n, row, col, c] * filter[a, b, c, m] }\n  y[n, i, j, c * M + m] = sum } } }",
            ],
            check: "Checks.depthwiseConv2D(depthwiseConv2D)",
            solution: { Checks.depthwiseConv2D(Solutions.depthwiseConv2D) },
            variants: [
                ("outputChannelsByMultiplier", { Checks.depthwiseConv2D(Wrong18.outputChannelsByMultiplier) }),
                ("mixesChannels", { Checks.depthwiseConv2D(Wrong18.mixesChannels) }),
                ("extraPaddingAtStart", { Checks.depthwiseConv2D(Wrong18.extraPaddingAtStart) }),
            ]),
        Exercise(
            id: "19", name: "BlurSobel", title: "Blur and Sobel kernels, per channel", lecture: 3,
            hints: [
                "Three small pieces. Pascal's triangle: each row is the row above added to itself shifted by one (1 1 -> 1 2 1 -> 1 3 3 1). The kernel is that row times itself (an outer product), divided by the total. Applying it: exercise 06's loops without the sum over channels.",
                "row = [1]; repeat size - 1 times: row = zip([0] + row, row + [0]).map(+). blur[a][b] = row[a] * row[b] / (sum(row) * sum(row)).  Sobel: [1, 0, -1] down the rows times [1, 2, 1] along the columns.  y[n, i, j, c] = sum over a, b of x[n, i*s + a - padTop, j*s + b - padLeft, c] * kernel[a][b], with OH = ceil(H / s), padTop = max((OH - 1)*s + KH - H, 0) / 2.",
                "for n, i, j, c {\n  var sum = 0.0\n  for a in 0..<KH { let row = i * stride + a - padTop; if row < 0 || row >= H { continue }\n    for b in 0..<KW { let col = ...; skip outside; sum += image[n, row, col, c] * kernel[a][b] } }\n  y[n, i, j, c] = sum   // the same c in and out: no loop over other channels\n}",
            ],
            check: "Checks.blurSobel(blur: binomialBlur, sobel: topSobel, filter: filterPerChannel)",
            solution: { Checks.blurSobel(blur: Solutions.binomialBlur, sobel: Solutions.topSobel, filter: Solutions.filterPerChannel) },
            variants: [
                ("blurNotNormalized", { Checks.blurSobel(blur: Wrong19.blurNotNormalized, sobel: Solutions.topSobel, filter: Solutions.filterPerChannel) }),
                ("boxBlur", { Checks.blurSobel(blur: Wrong19.boxBlur, sobel: Solutions.topSobel, filter: Solutions.filterPerChannel) }),
                ("leftSobel", { Checks.blurSobel(blur: Solutions.binomialBlur, sobel: Wrong19.leftSobel, filter: Solutions.filterPerChannel) }),
                ("sumsChannels", { Checks.blurSobel(blur: Solutions.binomialBlur, sobel: Solutions.topSobel, filter: Wrong19.sumsChannels) }),
                ("flipsKernel", { Checks.blurSobel(blur: Solutions.binomialBlur, sobel: Solutions.topSobel, filter: Wrong19.flipsKernel) }),
                ("extraPaddingAtStart", { Checks.blurSobel(blur: Solutions.binomialBlur, sobel: Solutions.topSobel, filter: Wrong19.extraPaddingAtStart) }),
                ("validPadding", { Checks.blurSobel(blur: Solutions.binomialBlur, sobel: Solutions.topSobel, filter: Wrong19.validPadding) }),
            ]),
        Exercise(
            id: "20", name: "LearnKernel", title: "Learn a kernel by gradient descent", lecture: 4,
            hints: [
                "Each step has three parts: the forward pass (exercise 04, VALID) and the error y - target of every output; the loss, the mean of the squared errors (record it BEFORE the update); the gradient, where every tap (a, b) collects a contribution from EVERY output (i, j).",
                "M = OH * OW.  error[i][j] = sum over a, b of image[i + a][j + b] * k[a][b] - target[i][j];  loss = sum(error^2) / M;  grad[a][b] = 2 / M * sum over i, j of error[i][j] * image[i + a][j + b];  k[a][b] -= learningRate * grad[a][b].",
                "var k = zeros K x K, losses = []\nfor _ in 0..<steps {\n  compute error[i][j] for all i, j; losses.append(sum of squares / M)\n  var grad = zeros K x K\n  for i, j, a, b { grad[a][b] += 2 / M * error[i][j] * image[i + a][j + b] }\n  for a, b { k[a][b] -= learningRate * grad[a][b] }\n}\nreturn (k, losses)",
            ],
            check: "Checks.learnKernel(learnKernel)",
            solution: { Checks.learnKernel(Solutions.learnKernel) },
            variants: [
                ("gradientAscent", { Checks.learnKernel(Wrong20.gradientAscent) }),
                ("missingFactorTwo", { Checks.learnKernel(Wrong20.missingFactorTwo) }),
                ("sumNotMean", { Checks.learnKernel(Wrong20.sumNotMean) }),
                ("assignInsteadOfAdd", { Checks.learnKernel(Wrong20.assignInsteadOfAdd) }),
                ("lossAfterStep", { Checks.learnKernel(Wrong20.lossAfterStep) }),
                ("flippedTap", { Checks.learnKernel(Wrong20.flippedTap) }),
            ]),
        Exercise(
            id: "21", name: "ReceptiveField", title: "Receptive field of a layer stack", lecture: 6,
            hints: [
                "Draw it in 1-D: one output cell of the last layer, the cells of the layer below that its window reads, the cells below those, down to the input. Each layer widens the field by (kernel - 1) taps, and a tap of a deep layer is as wide as the jump of the layers under it.",
                "Start size = 1, jump = 1. For each layer, from the input up: size += (kernel - 1) * dilation * jump, THEN jump *= stride. CS 20SI lecture 7's net: 1 -> 5 -> 6 (jump 2) -> 14 -> 16 (jump 4).",
                "var size = 1, jump = 1\nfor layer in layers {\n  size += (layer.kernel - 1) * layer.dilation * jump\n  jump *= layer.stride\n}\nreturn (size, jump)",
            ],
            check: "Checks.receptiveField(receptiveField)",
            solution: { Checks.receptiveField(Solutions.receptiveField) },
            variants: [
                ("jumpBeforeSize", { Checks.receptiveField(Wrong21.jumpBeforeSize) }),
                ("ignoresJump", { Checks.receptiveField(Wrong21.ignoresJump) }),
                ("ignoresDilation", { Checks.receptiveField(Wrong21.ignoresDilation) }),
                ("addsWholeKernel", { Checks.receptiveField(Wrong21.addsWholeKernel) }),
                ("jumpNotAccumulated", { Checks.receptiveField(Wrong21.jumpNotAccumulated) }),
            ]),
        Exercise(
            id: "22", name: "InitScale", title: "He and Glorot standard deviations", lecture: 8,
            hints: [
                "Two steps. First the fans: a conv filter [KH, KW, C, O] connects each output to KH*KW*C inputs, and each input to KH*KW*O outputs. Then the scheme picks a variance from the fans, and the distribution turns the variance into a scale.",
                "fanIn = (product of all axes but the last two) * shape[count - 2]; fanOut = the same product * shape[count - 1].  He: variance 2 / fanIn; Glorot: 2 / (fanIn + fanOut).  Normal: std = sqrt(variance); uniform on [-L, L]: variance = L^2 / 3, so L = sqrt(3 * variance).",
                "let receptive = shape.dropLast(2).reduce(1, *)\nreturn (receptive * shape[shape.count - 2], receptive * shape[shape.count - 1])\n...\nlet variance = (scheme is He) ? 2 / Double(fanIn) : 2 / Double(fanIn + fanOut)\nreturn (scheme is uniform) ? (3 * variance).squareRoot() : variance.squareRoot()",
            ],
            check: "Checks.initScale(fans: fans, scale: initScale)",
            solution: { Checks.initScale(fans: Solutions.fans, scale: Solutions.initScale) },
            variants: [
                ("channelsOnly", { Checks.initScale(fans: Wrong22.channelsOnly, scale: Solutions.initScale) }),
                ("fanOutFromInputs", { Checks.initScale(fans: Wrong22.fanOutFromInputs, scale: Solutions.initScale) }),
                ("heWithoutTwo", { Checks.initScale(fans: Solutions.fans, scale: Wrong22.heWithoutTwo) }),
                ("glorotFanInOnly", { Checks.initScale(fans: Solutions.fans, scale: Wrong22.glorotFanInOnly) }),
                ("uniformLimitIsStd", { Checks.initScale(fans: Solutions.fans, scale: Wrong22.uniformLimitIsStd) }),
                ("varianceNotStd", { Checks.initScale(fans: Solutions.fans, scale: Wrong22.varianceNotStd) }),
            ]),
        Exercise(
            id: "23", name: "TransposedConv", title: "Transposed convolution", lecture: 10,
            hints: [
                "Think of the conv2d that goes the other way, from your output (size OH) to your input (size H). Every input cell (i, j) is one of that conv2d's outputs: it read a window starting at row i*sh - padTop. The transposed convolution writes INTO that window: each input value, times the filter, is added to the cells the window covers.",
                "OH = H * sh for SAME, H * sh + max(KH - sh, 0) for VALID.  padTop = max((H - 1) * sh + KH - OH, 0) / 2 for SAME, 0 for VALID.  out[n, i*sh + a - padTop, j*sw + b - padLeft, c] += input[n, i, j, o] * filter[a, b, c, o], skipping cells outside the output.",
                "var out = Tensor(zeros: [N, OH, OW, C])\nfor n, i, j, o { let v = input[n, i, j, o]\n  for a { let row = i * strides.h + a - padTop; if row < 0 || row >= OH { continue }\n    for b { let col = ...; skip; for c { out[n, row, col, c] += v * filter[a, b, c, o] } } } }",
            ],
            check: "Checks.transposedConv(size: transposedOutputSize, transpose: conv2DTranspose)",
            solution: { Checks.transposedConv(size: Solutions.transposedOutputSize, transpose: Solutions.conv2DTranspose) },
            variants: [
                ("validSizeAlwaysMinimal", { Checks.transposedConv(size: Wrong23.validSizeAlwaysMinimal, transpose: Solutions.conv2DTranspose) }),
                ("sameSizeMinimal", { Checks.transposedConv(size: Wrong23.sameSizeMinimal, transpose: Solutions.conv2DTranspose) }),
                ("assignInsteadOfAdd", { Checks.transposedConv(size: Solutions.transposedOutputSize, transpose: Wrong23.assignInsteadOfAdd) }),
                ("ignoresPaddingOffset", { Checks.transposedConv(size: Solutions.transposedOutputSize, transpose: Wrong23.ignoresPaddingOffset) }),
                ("flipsFilter", { Checks.transposedConv(size: Solutions.transposedOutputSize, transpose: Wrong23.flipsFilter) }),
                ("firstChannelOnly", { Checks.transposedConv(size: Solutions.transposedOutputSize, transpose: Wrong23.firstChannelOnly) }),
            ]),
        Exercise(
            id: "24", name: "Dropout", title: "Dropout, forward and backward", lecture: 12,
            hints: [
                "The mask does all the work: it is 0 for a dropped element and 1 / keep for a kept one, so the kept ones make up for the dropped ones on average. The backward pass reuses it: the gradient flows where the value flowed, scaled the same way.",
                "Training: mask[k] = uniforms[k] < keep ? 1 / keep : 0 (a draw equal to keep is dropped); output[k] = x[k] * mask[k].  Evaluation: output = x, mask = all 1.  Backward: dInput[k] = dOutput[k] * mask[k].",
                "guard training else { return (x, Array(repeating: 1, count: x.count)) }\nlet mask = uniforms.map { $0 < keepProbability ? 1 / keepProbability : 0 }\nreturn (zip(x, mask).map { $0 * $1 }, mask)\n...\nreturn zip(dOutput, mask).map { $0 * $1 }",
            ],
            check: "Checks.dropout(forward: dropoutForward, backward: dropoutBackward)",
            solution: { Checks.dropout(forward: Solutions.dropoutForward, backward: Solutions.dropoutBackward) },
            variants: [
                ("noRescale", { Checks.dropout(forward: Wrong24.noRescale, backward: Solutions.dropoutBackward) }),
                ("keepsTheWrongSide", { Checks.dropout(forward: Wrong24.keepsTheWrongSide, backward: Solutions.dropoutBackward) }),
                ("boundaryKept", { Checks.dropout(forward: Wrong24.boundaryKept, backward: Solutions.dropoutBackward) }),
                ("dropsInEvaluation", { Checks.dropout(forward: Wrong24.dropsInEvaluation, backward: Solutions.dropoutBackward) }),
                ("backwardIgnoresMask", { Checks.dropout(forward: Solutions.dropoutForward, backward: Wrong24.backwardIgnoresMask) }),
                ("backwardWithoutScale", { Checks.dropout(forward: Solutions.dropoutForward, backward: Wrong24.backwardWithoutScale) }),
            ]),
        Exercise(
            id: "25", name: "MomentumRMSProp", title: "One momentum step and one RMSProp step", lecture: 13,
            hints: [
                "Both keep one number of state per parameter, updated BEFORE the parameter moves. Momentum remembers the direction (a running sum of gradients); RMSProp remembers the size (a running mean of squared gradients) and divides by its root.",
                "Momentum: v = momentum * v + g; p -= lr * v.  RMSProp: ms = decay * ms + (1 - decay) * g * g; p -= lr * g / sqrt(ms + epsilon) (epsilon inside the root).",
                "for k in parameters.indices {\n  velocity[k] = momentum * velocity[k] + gradient[k]\n  parameters[k] -= learningRate * velocity[k]\n}\n...\nfor k in parameters.indices {\n  meanSquare[k] = decay * meanSquare[k] + (1 - decay) * gradient[k] * gradient[k]\n  parameters[k] -= learningRate * gradient[k] / (meanSquare[k] + epsilon).squareRoot()\n}",
            ],
            check: "Checks.momentumRMSProp(momentum: momentumStep, rmsProp: rmsPropStep)",
            solution: { Checks.momentumRMSProp(momentum: Solutions.momentumStep, rmsProp: Solutions.rmsPropStep) },
            variants: [
                ("velocityAsAverage", { Checks.momentumRMSProp(momentum: Wrong25.velocityAsAverage, rmsProp: Solutions.rmsPropStep) }),
                ("parametersBeforeVelocity", { Checks.momentumRMSProp(momentum: Wrong25.parametersBeforeVelocity, rmsProp: Solutions.rmsPropStep) }),
                ("epsilonOutsideRoot", { Checks.momentumRMSProp(momentum: Solutions.momentumStep, rmsProp: Wrong25.epsilonOutsideRoot) }),
                ("decaySwapped", { Checks.momentumRMSProp(momentum: Solutions.momentumStep, rmsProp: Wrong25.decaySwapped) }),
                ("noSquareRoot", { Checks.momentumRMSProp(momentum: Solutions.momentumStep, rmsProp: Wrong25.noSquareRoot) }),
                ("staleMeanSquare", { Checks.momentumRMSProp(momentum: Solutions.momentumStep, rmsProp: Wrong25.staleMeanSquare) }),
            ]),
        Exercise(
            id: "26", name: "ResidualBackward", title: "Residual block, backward", lecture: 13,
            hints: [
                "y = input + F(input): the gradient of a sum is the sum of the gradients. The skip's part is dOutput itself (the derivative of input with respect to input is 1); the branch's part is the usual chain rule through h * w2, the ReLU and input * w1 (exercise 12 twice, with exercise 10's ReLU between).",
                "Recompute z = input * w1 and h = relu(z).  dW2[k][j] = sum over b of h[b][k] * dOutput[b][j];  dH[b][k] = sum over j of dOutput[b][j] * w2[k][j];  dZ = dH where z > 0 else 0;  dW1[i][k] = sum over b of input[b][i] * dZ[b][k];  dInput[b][i] = dOutput[b][i] + sum over k of dZ[b][k] * w1[i][k].",
                "var dInput = dOutput          // the skip\nfor b, k, j { dW2[k][j] += h[b][k] * dOutput[b][j]; dH[b][k] += dOutput[b][j] * w2[k][j] }\nfor b, k where z[b][k] > 0 { for i { dW1[i][k] += input[b][i] * dH[b][k]; dInput[b][i] += dH[b][k] * w1[i][k] } }",
            ],
            check: "Checks.residualBackward(residualBackward)",
            solution: { Checks.residualBackward(Solutions.residualBackward) },
            variants: [
                ("dropsSkip", { Checks.residualBackward(Wrong26.dropsSkip) }),
                ("skipOnly", { Checks.residualBackward(Wrong26.skipOnly) }),
                ("maskFromOutput", { Checks.residualBackward(Wrong26.maskFromOutput) }),
                ("dW2FromPreActivation", { Checks.residualBackward(Wrong26.dW2FromPreActivation) }),
                ("assignInsteadOfAdd", { Checks.residualBackward(Wrong26.assignInsteadOfAdd) }),
            ]),
        Exercise(
            id: "27", name: "BatchNormInference", title: "Batch norm in inference mode", lecture: 14,
            hints: [
                "At test time nothing is computed from the batch: the mean and variance are the moving ones, fixed numbers per channel. So batch norm becomes a per-channel scale and shift. The moving averages are updated during training, one exponential moving average per statistic.",
                "y = gamma[c] * (x - movingMean[c]) / sqrt(movingVariance[c] + epsilon) + beta[c], with c = k % C for scalars[k] of an NHWC tensor.  moving = momentum * moving + (1 - momentum) * batch.",
                "var y = x; let C = x.shape[3]\nfor k in x.scalars.indices { let c = k % C\n  y.scalars[k] = gamma[c] * (x.scalars[k] - movingMean[c]) / (movingVariance[c] + epsilon).squareRoot() + beta[c] }\n...\nfor c in movingMean.indices { movingMean[c] = momentum * movingMean[c] + (1 - momentum) * batchMean[c]; same for the variance }",
            ],
            check: "Checks.batchNormInference(inference: batchNormInference, update: updateMovingStatistics)",
            solution: { Checks.batchNormInference(inference: Solutions.batchNormInference, update: Solutions.updateMovingStatistics) },
            variants: [
                ("usesBatchStatistics", { Checks.batchNormInference(inference: Wrong27.usesBatchStatistics, update: Solutions.updateMovingStatistics) }),
                ("epsilonOutsideRoot", { Checks.batchNormInference(inference: Wrong27.epsilonOutsideRoot, update: Solutions.updateMovingStatistics) }),
                ("dividesByVariance", { Checks.batchNormInference(inference: Wrong27.dividesByVariance, update: Solutions.updateMovingStatistics) }),
                ("betaInsideScale", { Checks.batchNormInference(inference: Wrong27.betaInsideScale, update: Solutions.updateMovingStatistics) }),
                ("momentumSwapped", { Checks.batchNormInference(inference: Solutions.batchNormInference, update: Wrong27.momentumSwapped) }),
                ("varianceNotUpdated", { Checks.batchNormInference(inference: Solutions.batchNormInference, update: Wrong27.varianceNotUpdated) }),
            ]),
        Exercise(
            id: "28", name: "NetworkCost", title: "Parameters and multiply-adds of a network", lecture: 15,
            hints: [
                "Walk the layers keeping the current shape of one example. Each layer first works out its output shape (exercise 01 per axis), then its weights (count the scalars of every weight tensor and bias) and its multiply-adds (output values times the inputs each one reads).",
                "conv: [OH, OW, F], K*K*C*F + F parameters, OH*OW*F outputs each reading K*K*C inputs.  depthwise: [OH, OW, C*M], K*K*C*M + C*M, OH*OW*C*M outputs each reading K*K.  pool, flatten: no weights, no multiply-adds.  dense: In*Out + Out, In*Out.",
                "var shape = input; var costs: [LayerCost] = []\nfor layer in layers { switch layer {\n  case let .conv(k, f, s, p): let h = size(shape[0], k, s, p), w = size(shape[1], k, s, p)\n    costs.append(LayerCost(shape: [h, w, f], parameters: k * k * shape[2] * f + f, multiplyAdds: h * w * k * k * shape[2] * f))\n  ... }\n  shape = costs.last!.shape }",
            ],
            check: "Checks.networkCost(networkCost)",
            solution: { Checks.networkCost(Solutions.networkCost) },
            variants: [
                ("convWithoutBias", { Checks.networkCost(Wrong28.convWithoutBias) }),
                ("macsAtInputSize", { Checks.networkCost(Wrong28.macsAtInputSize) }),
                ("denseWithoutBias", { Checks.networkCost(Wrong28.denseWithoutBias) }),
                ("depthwiseLikeConv", { Checks.networkCost(Wrong28.depthwiseLikeConv) }),
                ("validLikeSame", { Checks.networkCost(Wrong28.validLikeSame) }),
            ]),
        Exercise(
            id: "29", name: "ResizePSNR", title: "Nearest and bilinear resize, and PSNR", lecture: 17,
            hints: [
                "Resizing is separable: work out, once per output row, which input rows it reads and with what weights, and the same per output column; a pixel is then a product of a row weight and a column weight. Half-pixel centres: output cell o covers [o, o + 1) of the output, so its centre is o + 0.5, which is (o + 0.5) * scale in input units.",
                "scale = input / output.  nearest: source = min(floor((o + 0.5) * scale), input - 1).  bilinear: p = (o + 0.5) * scale - 0.5, f = floor(p), t = p - f, taps clamp(f) with 1 - t and clamp(f + 1) with t.  PSNR = 10 * log10(peak^2 / MSE), +infinity when MSE is 0.",
                "func taps(_ o: Int, _ input: Int, _ output: Int) -> [(Int, Double)] {\n  let p = (Double(o) + 0.5) * Double(input) / Double(output) - 0.5, f = p.rounded(.down)\n  return [(clamp(Int(f)), 1 - (p - f)), (clamp(Int(f) + 1), p - f)] }\nfor n, i, j { for (r, u) in taps(i, H, OH) { for (s, v) in taps(j, W, OW) { for c { y[n, i, j, c] += u * v * image[n, r, s, c] } } } }",
            ],
            check: "Checks.resizePSNR(nearest: resizeNearest, bilinear: resizeBilinear, psnr: psnr)",
            solution: { Checks.resizePSNR(nearest: Solutions.resizeNearest, bilinear: Solutions.resizeBilinear, psnr: Solutions.psnr) },
            variants: [
                ("bilinearAlignCorners", { Checks.resizePSNR(nearest: Solutions.resizeNearest, bilinear: Wrong29.bilinearAlignCorners, psnr: Solutions.psnr) }),
                ("bilinearNoHalfPixel", { Checks.resizePSNR(nearest: Solutions.resizeNearest, bilinear: Wrong29.bilinearNoHalfPixel, psnr: Solutions.psnr) }),
                ("nearestRounds", { Checks.resizePSNR(nearest: Wrong29.nearestRounds, bilinear: Solutions.resizeBilinear, psnr: Solutions.psnr) }),
                ("nearestNoHalfPixel", { Checks.resizePSNR(nearest: Wrong29.nearestNoHalfPixel, bilinear: Solutions.resizeBilinear, psnr: Solutions.psnr) }),
                ("psnrPeakNotSquared", { Checks.resizePSNR(nearest: Solutions.resizeNearest, bilinear: Solutions.resizeBilinear, psnr: Wrong29.psnrPeakNotSquared) }),
                ("psnrWithRMSE", { Checks.resizePSNR(nearest: Solutions.resizeNearest, bilinear: Solutions.resizeBilinear, psnr: Wrong29.psnrWithRMSE) }),
            ]),
    ]
}
