// The part of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2)
// that cnnc writes, declared by hand for protobufjs: field numbers and types exactly as in
// onnx.proto, names in camelCase. Only the messages and fields the writer uses are declared;
// protobufjs encodes them in field-number order; repeated numbers unpacked, as proto2 (and
// ONNX's own writer) has them.
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
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            i: { type: 'int64', id: 3 },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: { packed: false } },
            type: { type: 'AttributeType', id: 20 },
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

/** TensorProto.DataType values used by the writer. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used by the writer. */
export const AttributeType = { INT: 2, INTS: 7 } as const;

// ---- plain objects of the messages above (what the writer builds) ----

export interface Attribute { name: string; i?: number; ints?: number[]; type: number }
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
