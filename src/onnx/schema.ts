// The part of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2)
// that cnnc writes and reads, declared by hand for protobufjs: field numbers and types exactly as
// in onnx.proto, names in camelCase. Only the messages and fields the writer and the importer
// (src/onnx/decode.ts) use are declared; protobufjs encodes them in field-number order; repeated
// numbers unpacked, as proto2 (and ONNX's own writer) has them, and decodes either form. Fields
// only the importer reads are marked "read:"; messages it only needs to detect are read as bytes.
import protobuf from 'protobufjs/light.js';

const schema: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            // read: functions (ModelProto.functions) are detected, never expanded
            functions: { rule: 'repeated', type: 'bytes', id: 25 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            // read:
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
            sparseInitializer: { rule: 'repeated', type: 'bytes', id: 15 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            // read:
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: { packed: false } },
            type: { type: 'AttributeType', id: 20 },
            // read:
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'bytes', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7, options: { packed: false } },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            refAttrName: { type: 'string', id: 21 },
          },
          nested: {
            AttributeType: { values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: { packed: false } },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
            // read: the typed forms of the values (packed in onnx.proto), and where data lives
            segment: { type: 'bytes', id: 3 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            int32Data: { rule: 'repeated', type: 'int32', id: 5, options: { packed: true } },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, options: { packed: true } },
            doubleData: { rule: 'repeated', type: 'double', id: 10, options: { packed: true } },
            uint64Data: { rule: 'repeated', type: 'uint64', id: 11, options: { packed: true } },
            externalData: { rule: 'repeated', type: 'bytes', id: 13 },
            dataLocation: { type: 'int32', id: 14 },
          },
          nested: {
            DataType: { values: { UNDEFINED: 0, FLOAT: 1, INT64: 7 } },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        TypeProto: {
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: 'repeated', type: 'Dimension', id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(schema);

/** onnx.ModelProto, resolved. */
export const ModelProto: protobuf.Type = root.lookupType('onnx.ModelProto');

/** onnx.TensorProto, resolved (the importer reads the backend test data's input_N.pb / output_N.pb with it). */
export const TensorProto: protobuf.Type = root.lookupType('onnx.TensorProto');

/** TensorProto.DataType values used by the writer. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used by the writer. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

// ---- plain objects of the messages above (what the writer builds) ----

export interface Attribute { name: string; f?: number; i?: number; ints?: number[]; type: number }
export interface Node { input: string[]; output: string[]; name: string; opType: string; attribute: Attribute[] }
export interface Tensor { dims: number[]; dataType: number; name: string; rawData: Uint8Array }
export interface Dimension { dimValue?: number; dimParam?: string }
export interface ValueInfo { name: string; type: { tensorType: { elemType: number; shape: { dim: Dimension[] } } } }
export interface Graph { node: Node[]; name: string; initializer: Tensor[]; input: ValueInfo[]; output: ValueInfo[] }
export interface Model { irVersion: number; producerName: string; graph: Graph; opsetImport: { domain: string; version: number }[] }

/** The protobuf bytes of a model. */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProto.fromObject(model);
  const problem = ModelProto.verify(message);
  if (problem) throw new Error(`cnnc: invalid ONNX model: ${problem}`);
  return ModelProto.encode(message).finish();
}
