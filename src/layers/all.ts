/**
 * Every built-in layer class, registered for deserialization in one explicit place (so a
 * bundler's tree shaking can never drop a class that a saved model refers to).
 */
import { InputLayer } from './layer.js';
import { registerLayer, type LayerClass } from './serialization.js';
import { Dense } from './core/dense.js';
import { Activation } from './core/activation.js';
import { Dropout } from './core/dropout.js';
import { Flatten, Permute, RepeatVector, Reshape } from './core/reshaping.js';
import { Embedding } from './embedding.js';
import { Conv1D, Conv2D, Conv2DTranspose } from './conv/conv.js';
import { DepthwiseConv2D, SeparableConv2D } from './conv/depthwise.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from './pooling/pooling.js';
import { AveragePooling3D, MaxPooling3D } from './pooling/pooling3d.js';
import { Conv3D, Conv3DTranspose } from './conv/conv3d.js';
import { BatchNormalization } from './normalization/batch_normalization.js';
import { LayerNormalization } from './normalization/layer_normalization.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import { GRU, LSTM, RNN, SimpleRNN } from './recurrent/rnn.js';
import { GRUCell, LSTMCell, SimpleRNNCell } from './recurrent/cells.js';
import { Bidirectional } from './recurrent/bidirectional.js';
import { StackedRNNCells } from './recurrent/rnn_cell.js';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from './core/advanced_activations.js';
import { AlphaDropout, GaussianDropout, GaussianNoise, Masking, SpatialDropout1D } from './core/noise.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D } from './conv/spatial.js';
import { TimeDistributed } from './wrappers.js';
import { Dot } from './dot.js';
import { CategoryEncoding, CenterCrop, Rescaling } from './preprocessing.js';
import { ConvLSTM2D, ConvLSTM2DCell } from './recurrent/conv_lstm.js';
import { RandomWidth, Resizing } from './image_resizing.js';
import { MultiHeadAttention } from './attention/multi_head_attention.js';
import { TransformerEncoder } from './attention/transformer_encoder.js';
import { IntegerLookup, StringLookup } from './preprocessing_text/index_lookup.js';
import { TextVectorization } from './preprocessing_text/text_vectorization.js';
import { Normalization } from './normalization/feature_normalization.js';
import { TransformerDecoder } from './attention/transformer_decoder.js';
import { PositionEmbedding, TokenAndPositionEmbedding } from './position_embedding.js';
import { PruneLowMagnitude } from '../pruning/prune_wrapper.js';
import { QuantizeWrapper } from '../quantization/qat.js';
import { QuantizedDense, QuantizedConv2D, QuantizedDepthwiseConv2D } from '../quantization/quantized_layers.js';

// one array literal, not push() calls: a statement with a call is an import-time effect that keeps every
// layer class in an app that never deserializes a model (tests/bundle.test.ts, few names from 'tessera')
export const BUILTIN_LAYERS: LayerClass[] = [
  InputLayer as unknown as LayerClass, Dense,
  SimpleRNN, LSTM, GRU, RNN, StackedRNNCells, SimpleRNNCell, LSTMCell, GRUCell, Bidirectional, MultiHeadAttention,
  TransformerEncoder,
  Activation, Dropout, Flatten, Reshape, Permute, RepeatVector, Embedding, Conv1D, Conv2D, Conv2DTranspose,
  DepthwiseConv2D, SeparableConv2D, MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, BatchNormalization,
  LayerNormalization, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
  ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, GaussianNoise, GaussianDropout, AlphaDropout,
  SpatialDropout1D, Masking, ZeroPadding2D, Cropping2D, UpSampling2D, TimeDistributed, Dot, Rescaling, CenterCrop,
  CategoryEncoding,
  MaxPooling3D, AveragePooling3D, Conv3D, Conv3DTranspose,
  ConvLSTM2D, ConvLSTM2DCell, Resizing, RandomWidth,
  StringLookup, IntegerLookup, TextVectorization, Normalization, TransformerDecoder, PositionEmbedding,
  TokenAndPositionEmbedding,
  PruneLowMagnitude, // tf.pruning's wrapper, so saved pruned models load
  QuantizeWrapper, QuantizedDense, QuantizedConv2D, QuantizedDepthwiseConv2D, // tf.quantization's layers
];

let registered = false;
export function registerBuiltinLayers(): void {
  if (registered) return;
  BUILTIN_LAYERS.forEach((cls, i) => {
  if (!cls || typeof cls.className !== 'string') throw new Error(`registerBuiltinLayers: entry ${i} of BUILTIN_LAYERS
  is not a layer class`);
    registerLayer(cls);
  });
  registered = true;
}
