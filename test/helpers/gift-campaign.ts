/** The campaign the reward fault tests run: プレゼント earns a voice gift, once per user, no stock. */
export const GIFT_CAMPAIGN_YAML = `
version: 1
rewards:
  voice-gift:
    messages: [{ type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }]
rules:
  - { id: survey-gift, keywords: [プレゼント], reward: voice-gift }
`;
