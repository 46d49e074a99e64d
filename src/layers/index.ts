/**
 * The `layers` namespace (TF.js `tf.layers.*` factories): one function per layer class.
 */
export { dense } from './core/dense.js';
export { activation } from './core/activation.js';
export { dropout } from './core/dropout.js';
export { flatten, reshape, permute, repeatVector } from './core/reshaping.js';
export { embedding } from './embedding.js';
export { conv1d, conv2d, conv2dTranspose } from './conv/conv.js';
export { conv3d, conv3dTranspose } from './conv/conv3d.js';
export { depthwiseConv2d, separableConv2d } from './conv/depthwise.js';
export {
  maxPooling1d, maxPooling2d, averagePooling1d, averagePooling2d, globalAveragePooling1d, globalAveragePooling2d,
  globalMaxPooling1d, globalMaxPooling2d, maxPool1d, maxPool2d, avgPool1d, avgPooling1d, avgPool2d, avgPooling2d,
  globalMaxPool1d, globalMaxPool2d,
} from './pooling/pooling.js';
export { maxPooling3d, averagePooling3d, avgPool3d, avgPooling3d } from './pooling/pooling3d.js';
export { batchNormalization } from './normalization/batch_normalization.js';
export { layerNormalization } from './normalization/layer_normalization.js';
export { add, subtract, multiply, average, maximum, minimum, concatenate } from './merge.js';
export { inputLayer } from './factories_input.js';
export { input } from './layer.js';
export { simpleRNN, lstm, gru, rnn, RNN } from './recurrent/rnn.js';
export { RNNCell, StackedRNNCells, stackedRNNCells } from './recurrent/rnn_cell.js';
export { Layer } from './layer.js';
export { simpleRNNCell, lstmCell, gruCell } from './recurrent/cells.js';
export { bidirectional } from './recurrent/bidirectional.js';
export { multiHeadAttention } from './attention/multi_head_attention.js';
export { transformerEncoder } from './attention/transformer_encoder.js';
export { reLU, leakyReLU, prelu, elu, thresholdedReLU, softmax } from './core/advanced_activations.js';
export { gaussianNoise, gaussianDropout, alphaDropout, spatialDropout1d, masking } from './core/noise.js';
export { zeroPadding2d, cropping2D, upSampling2d } from './conv/spatial.js';
export { timeDistributed } from './wrappers.js';
export { dot } from './dot.js';
export { rescaling, centerCrop, categoryEncoding } from './preprocessing.js';
// Keras's text and feature preprocessing layers (issue 11)
export { stringLookup, integerLookup } from './preprocessing_text/index_lookup.js';
export { textVectorization } from './preprocessing_text/text_vectorization.js';
export { normalization } from './normalization/feature_normalization.js';
export { transformerDecoder } from './attention/transformer_decoder.js';
export { positionEmbedding, tokenAndPositionEmbedding } from './position_embedding.js';
export { resizing, randomWidth } from './image_resizing.js';
export { convLstm2d, convLstm2dCell } from './recurrent/conv_lstm.js';
