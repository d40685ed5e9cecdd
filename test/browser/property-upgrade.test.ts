/**
 * A page (or a framework) may set an element's properties before its tag is defined, e.g. when the loader arrives
 * after the page's own script: the values are own properties that shadow the element's accessors, and each element
 * applies them through its accessors as it connects, so they reach their attributes. No homeserver is asked.
 */
import { expect } from '@open-wc/testing';
import { OmniChat, OmniDm, OmniRoom } from '@omnisocial/chat';

describe('properties set before the tag is defined', () => {
  for (const [name, base, property, attribute] of [
    ['room', OmniRoom, 'room', 'room'],
    ['chat', OmniChat, 'postTitle', 'post-title'],
    ['dm', OmniDm, 'homeserver', 'homeserver'],
  ] as const) {
    it(`reach <omni-${name}>'s attributes once it is defined and connected`, () => {
      const tag = `omni-${name}-late-${crypto.randomUUID().slice(0, 8)}`;
      const element = document.createElement(tag) as HTMLElement & Record<string, unknown>;
      element.setAttribute('loading', 'lazy');
      element[property] = 'set before the definition';
      const Late: CustomElementConstructor = class extends (base as typeof OmniRoom) {};
      customElements.define(tag, Late);
      document.body.append(element);
      try {
        expect(element.getAttribute(attribute)).to.equal('set before the definition');
        expect(Object.hasOwn(element, property), 'the own property still shadows the accessor').to.equal(false);
      } finally {
        element.remove();
      }
    });
  }
});
