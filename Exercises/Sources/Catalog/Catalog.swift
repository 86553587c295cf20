import ExerciseKit
import ExerciseChecks
import Solutions
import Student
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
            student: { Checks.outputSize(Student.outputSize) },
            solution: { Checks.outputSize(Solutions.outputSize) },
            variants: [
                ("missingPlusOne", { Checks.outputSize(Wrong01.missingPlusOne) }),
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
            student: { Checks.samePadding(Student.samePadding) },
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
            student: { Checks.conv1D(Student.conv1D) },
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
            student: { Checks.conv2D(Student.conv2D) },
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
            student: { Checks.conv2DChannels(Student.conv2DChannels) },
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
            student: { Checks.conv2DStrided(Student.conv2DStrided) },
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
            student: { Checks.maxPoolForward(Student.maxPoolForward) },
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
            student: { Checks.maxPoolBackward(Student.maxPoolBackward) },
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
            student: { Checks.avgPoolForward(Student.avgPoolForward) },
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
            student: { Checks.activation(Student.activation) },
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
            student: { Checks.softmaxCrossEntropy(Student.softmaxCrossEntropy) },
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
            student: { Checks.denseBackward(Student.denseBackward) },
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
            student: { Checks.conv2DBackward(Student.conv2DBackward) },
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
            student: { Checks.im2col(Student.im2col) },
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
            student: { Checks.adamStep(Student.adamStep) },
            solution: { Checks.adamStep(Solutions.adamStep) },
            variants: [
                ("noBiasCorrection", { Checks.adamStep(Wrong15.noBiasCorrection) }),
                ("epsilonInsideSqrt", { Checks.adamStep(Wrong15.epsilonInsideSqrt) }),
                ("stepCountedAfter", { Checks.adamStep(Wrong15.stepCountedAfter) }),
                ("absoluteInsteadOfSquare", { Checks.adamStep(Wrong15.absoluteInsteadOfSquare) }),
            ]),
        Exercise(
            id: "16", name: "BatchNorm", title: "Batch normalization, forward and backward", lecture: 13,
            hints: [
                "In NHWC the channel of scalars[k] is k % C, so one pass over `scalars` can accumulate per-channel sums. Do the forward pass first: the checks test it before the backward pass.",
                "M = N*H*W. mean = sum/M; variance = sum((x - mean)^2)/M; xHat = (x - mean) / sqrt(variance + eps). Backward: dBeta = sum dy; dGamma = sum dy*xHat; dInput = gamma * invStd / M * (M*dy - dBeta - xHat*dGamma).",
                "let C = x.shape[3], M = Double(x.scalars.count / C)\nfor k in x.scalars.indices { mean[k % C] += x.scalars[k] }  ... /M\nfor k { variance[k % C] += (x.scalars[k] - mean[k % C])^2 } ... /M\nfor k { output.scalars[k] = gamma[k % C] * xHat + beta[k % C] }",
            ],
            student: { Checks.batchNorm(forward: Student.batchNormForward, backward: Student.batchNormBackward) },
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
            student: { Checks.trainingStep(Student.trainingStep) },
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
            student: { Checks.depthwiseConv2D(Student.depthwiseConv2D) },
            solution: { Checks.depthwiseConv2D(Solutions.depthwiseConv2D) },
            variants: [
                ("outputChannelsByMultiplier", { Checks.depthwiseConv2D(Wrong18.outputChannelsByMultiplier) }),
                ("mixesChannels", { Checks.depthwiseConv2D(Wrong18.mixesChannels) }),
                ("extraPaddingAtStart", { Checks.depthwiseConv2D(Wrong18.extraPaddingAtStart) }),
            ]),
    ]
}
